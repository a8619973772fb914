// `npm start` on a machine where it cannot start: a port another program holds, a Java that cannot run
// DynamoDB Local. Each failure is one line (which port or program, what to do), exit code 1, and
// nothing left running.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const PORT_VARIABLES = ['PORT', 'LOCAL_DYNAMODB_PORT', 'LOCAL_SQS_PORT', 'LOCAL_S3_PORT', 'LOCAL_ESL_PORT'];
let work: string;

/** Runs `npm start`'s script on free ports (but `env`'s), in its own data directory, until it exits. */
async function start(env: Record<string, string>) {
  const free = Object.fromEntries(PORT_VARIABLES.map((name) => [name, '0']));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/start-local.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...free,
      MINIVOICE_LOCAL_DIR: await mkdtemp(join(work, 'local-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A port held by this test process, as another program would hold it. */
async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'minivoice-start-failures-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('npm start with a port taken', () => {
  it.each([
    ['PORT', 'the local API'],
    ['LOCAL_DYNAMODB_PORT', 'DynamoDB Local'],
    ['LOCAL_SQS_PORT', 'the SQS emulator'],
    ['LOCAL_S3_PORT', 'the S3 emulator'],
    ['LOCAL_ESL_PORT', 'the simulated FreeSWITCH'],
    ['LOCAL_KMS_PORT', 'the KMS stand-in'],
  ])(
    '%s: says which port, which program holds it and what to set, in one line, before starting anything',
    async (variable, program) => {
      const { port, server } = await occupy();
      try {
        const result = await start({ [variable]: String(port) });

        expect([result.code, result.stdout.trim().split('\n')]).toEqual([
          1,
          [expect.stringMatching(/^Starting MiniVoice Recordings locally \(data in .+\)$/)],
        ]);
        // The holder is this test's process: its pid and command line.
        expect(result.stderr).toMatch(
          new RegExp(
            `^npm start: port ${port} \\(${program}\\) is taken by pid ${process.pid} \\(.+\\): stop it, or set ${variable} to another port \\(0 picks a free one\\)\\n$`,
          ),
        );
      } finally {
        server.close();
      }
    },
  );
});

describe('npm start with a Java that cannot run DynamoDB Local', () => {
  // A real Java runtime without the compiler module, as a JRE is: jlink'ed from the JDK's own modules.
  let jre: string;
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)('sh', ['-c', 'command -v javac']);
    const jdkBin = dirname(await realpath(stdout.trim()));
    jre = join(work, 'jre');
    await promisify(execFile)(join(jdkBin, 'jlink'), [
      '--add-modules',
      'java.base,java.logging,java.sql,java.naming,java.management,java.xml,java.desktop,jdk.unsupported',
      '--no-header-files',
      '--no-man-pages',
      '--output',
      jre,
    ]);
  }, 120_000);

  it('says the java on PATH lacks the compiler and which JDK to install, in one line', async () => {
    const result = await start({ PATH: join(jre, 'bin') });

    expect([result.code, result.stderr]).toEqual([
      1,
      `npm start: ${join(jre, 'bin', 'java')} is a Java runtime without the compiler (jdk.compiler) DynamoDB Local's launcher needs; install a JDK 17+ (e.g. sudo apt-get install openjdk-17-jdk-headless)\n`,
    ]);
  });

  it('says so in one line when the runtime is only found out by starting it (no release file, a javac elsewhere)', async () => {
    // A runtime that does not describe itself (as behind a version manager's shim), with a javac on
    // PATH: the check lets it through, DynamoDB Local fails ("A JNI error has occurred… jdk.compiler").
    const bare = join(work, 'bare-jre');
    await promisify(execFile)('cp', ['-r', jre, bare]);
    await rm(join(bare, 'release'));
    const javacDir = join(work, 'javac-only');
    await mkdir(javacDir, { recursive: true });
    const { stdout } = await promisify(execFile)('sh', ['-c', 'command -v javac']);
    await symlink(stdout.trim(), join(javacDir, 'javac'));

    const result = await start({ PATH: `${join(bare, 'bin')}:${javacDir}` });

    expect([result.code, result.stderr]).toEqual([
      1,
      "npm start: DynamoDB Local's launcher needs a Java compiler (jdk.compiler) that this java lacks: install a JDK 17+ (e.g. sudo apt-get install openjdk-17-jdk-headless)\n",
    ]);
  }, 60_000);

  it('says there is no java at all, in one line', async () => {
    const empty = join(work, 'empty-path');
    await mkdir(empty, { recursive: true });

    const result = await start({ PATH: empty });

    expect([result.code, result.stderr]).toEqual([
      1,
      'npm start: no java on PATH: DynamoDB Local needs Java; install a JDK 17+ (e.g. sudo apt-get install openjdk-17-jdk-headless)\n',
    ]);
  });
});
