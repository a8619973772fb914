import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
// Exactly what `npm run admin` runs (its node flags from package.json), without npm around it.
const ADMIN = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.admin as string)
  .split(' ')
  .slice(1);

/** Runs the admin CLI with this environment only (plus PATH and HOME), and collects its output. */
async function admin(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...ADMIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
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

// AWS settings that find no credentials anywhere, quickly (no instance metadata service).
const NO_CREDENTIALS = {
  AWS_REGION: 'eu-west-1',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

let localDir: string;
beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'minivoice-admin-cli-'));
});
afterAll(async () => {
  await rm(localDir, { recursive: true, force: true });
});

describe('npm run admin, asked for help', () => {
  it('prints every command on stdout with --help and exits 0', async () => {
    const result = await admin(['--help']);

    expect([result.code, result.stderr, result.stdout.split('\n')[0]]).toEqual([
      0,
      '',
      'usage: npm run admin -- [--local] <command> [options]',
    ]);
    expect(result.stdout).toContain('\n  outbox-replay ');
  });

  it('prints a command’s usage, options and example for help <command>, as for <command> --help', async () => {
    const [help, flag] = await Promise.all([admin(['help', 'create-key']), admin(['create-key', '--help'])]);

    expect([help.code, help.stdout.split('\n')[0], flag]).toEqual([
      0,
      'usage: npm run admin -- [--local] create-key --application ID [--mode MODE]',
      help,
    ]);
    expect(help.stdout).toContain('  npm run admin -- --local create-key --application app_… --mode test');
  });

  it('prints the commands on stderr and exits 2 when no command is given', async () => {
    const result = await admin([]);

    expect([result.code, result.stdout, result.stderr.split('\n')[0]]).toEqual([
      2,
      '',
      'usage: npm run admin -- [--local] <command> [options]',
    ]);
  });
});

describe('npm run admin, given a command line it cannot run', () => {
  it.each([
    [['purge'], 'unknown command "purge"; the commands: npm run admin -- --help'],
    [
      ['create-customer', '--nmae', 'Acme'],
      'create-customer has no option --nmae (did you mean --name?); its options: --name',
    ],
    [['create-customer', '--name'], '--name needs a value (NAME)'],
    [['dlq-list', '--limit', 'abc'], '--limit must be a whole number from 1 to 1000'],
    [
      ['create-application', '--customer', 'cust_1', '--webhook-url', 'not-a-url'],
      '--webhook-url is not a URL: not-a-url',
    ],
    [
      ['create-application', '--customer', 'cust_1', '--webhook-url', 'http://hooks.example.com/mv'],
      '--webhook-url must use https (plain http only to this machine, with --local)',
    ],
    [
      ['--local', 'set-webhook', '--application', 'app_1', '--url', 'http://hooks.example.com/mv'],
      '--url must use https (plain http only to 127.0.0.1, ::1 or localhost)',
    ],
    [['create-key', '--application', 'acme'], '--application must be an application id (app_…), not "acme"'],
    [['list-recordings', '--call', 'call-1'], '--call must be a call id (call_…), not "call-1"'],
  ])('refuses %j in one line, exit code 2, before connecting to anything', async (args, line) => {
    // TABLE_NAME and credentials are set: the refusal comes first all the same.
    const result = await admin(args, { ...NO_CREDENTIALS, TABLE_NAME: 'minivoice-test' });

    expect(result).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });
});

describe('npm run admin, without what it needs to connect', () => {
  it('says to set TABLE_NAME, in one line', async () => {
    const result = await admin(['list-recordings', '--call', 'call_1'], NO_CREDENTIALS);

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'set TABLE_NAME (or use --local with npm start running)\n',
    });
  });

  it('names an invalid setting in one line', async () => {
    const result = await admin(['list-recordings', '--call', 'call_1'], {
      ...NO_CREDENTIALS,
      TABLE_NAME: 'x',
    });

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'invalid configuration: TABLE_NAME: Too small: expected string to have >=3 characters\n',
    });
  });

  it('says that no AWS credentials were found, in one line', async () => {
    const result = await admin(['list-recordings', '--call', 'call_1'], {
      ...NO_CREDENTIALS,
      TABLE_NAME: 'minivoice-test',
    });

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local with npm start running\n',
    });
  });

  it('says npm start is not running when its data directory has no runtime.json', async () => {
    const result = await admin(['--local', 'list-recordings', '--call', 'call_1'], {
      MINIVOICE_LOCAL_DIR: join(localDir, 'never-started'),
    });

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `npm start is not running (no ${join(localDir, 'never-started', 'runtime.json')}): start it with npm start, or set MINIVOICE_LOCAL_DIR to its data directory\n`,
    });
  });

  it('says npm start is not running, naming the address that did not answer, once it has stopped', async () => {
    // What a stopped npm start leaves behind: its runtime.json, naming ports nothing listens on now.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    const endpoint = `http://127.0.0.1:${port}`;
    await writeFile(
      join(localDir, 'runtime.json'),
      JSON.stringify({
        dynamodb_endpoint: endpoint,
        sqs_endpoint: endpoint,
        s3_endpoint: endpoint,
        kms_endpoint: endpoint,
        table_name: 'minivoice-local',
        bucket: 'minivoice-recordings-local',
        queue_url: `${endpoint}/000000000000/minivoice-webhooks`,
        dlq_url: `${endpoint}/000000000000/minivoice-webhooks-dlq`,
        esl_nodes: [{ name: 'local-fs', host: '127.0.0.1', port }],
        esl_password: 'ClueCon',
        webhook_secrets_key_id: 'alias/minivoice-webhook-secrets',
      }),
    );

    const results = await Promise.all([
      admin(['--local', 'list-recordings', '--call', 'call_1'], { MINIVOICE_LOCAL_DIR: localDir }),
      admin(['--local', 'dlq-list'], { MINIVOICE_LOCAL_DIR: localDir }),
      // Its media server first (a channel for the call), then the table.
      admin(['--local', 'create-call', '--application', 'app_1'], { MINIVOICE_LOCAL_DIR: localDir }),
    ]);

    const line = `npm start is not running (no answer on 127.0.0.1:${port}): start it with npm start, or drop --local to work on AWS\n`;
    expect(results).toEqual([
      { code: 2, stdout: '', stderr: line },
      { code: 2, stdout: '', stderr: line },
      { code: 2, stdout: '', stderr: line },
    ]);
  });
});
