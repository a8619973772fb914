import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSPECTOR_PAGE } from '../../scripts/local/webhook-inspector-page.ts';
import {
  createLocalAwsClients,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../shared/adapters/aws/aws-clients.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { lazyKmsClient } from '../../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../../shared/adapters/kms/kms-secret-sealer.ts';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import { RFC3339_SECONDS } from '../support/expectations.ts';
import { runScript } from '../support/run-script.ts';
import { isMissingObject } from '../support/service-harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
let localDir: string;
const groups: number[] = [];

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `npm start` in its own process group (as a terminal would), on free ports, with its own data dir. */
function npmStart(extraEnv: Record<string, string> = {}): Promise<Started> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...env,
      PORT: '0',
      LOCAL_DYNAMODB_PORT: '0',
      LOCAL_SQS_PORT: '0',
      LOCAL_ESL_PORT: '0',
      LOCAL_S3_PORT: '0',
      MINIVOICE_LOCAL_DIR: localDir,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  groups.push(child.pid as number);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 90_000);
    const check = setInterval(() => {
      if (output.includes('Ctrl-C stops everything.')) {
        clearTimeout(timer);
        clearInterval(check);
        resolve({ child, output: () => output, exited });
      }
    }, 100);
    void exited.then((code) => {
      clearTimeout(timer);
      clearInterval(check);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

/** Sends Ctrl-C to the whole process group and waits until no process of it is left. */
async function stop(started: Started): Promise<void> {
  const group = started.child.pid as number;
  process.kill(-group, 'SIGINT');
  await started.exited;
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(-group, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('processes of npm start are still running');
}

/** The list and download commands npm start printed, run by bash exactly as printed, in `cwd`. */
async function printedReadCommands(output: string, cwd: string) {
  const start = output.indexOf('List the call');
  const lines = output.slice(start).split('\n').slice(1, 3);
  const [list, download] = await Promise.all(lines.map((line) => run('bash', ['-c', line], { cwd })));
  return { list: JSON.parse(list?.stdout ?? ''), download: download?.stdout };
}

/** The curl command npm start printed, run by bash exactly as printed. */
async function printedCurl(output: string, action: 'start' | 'stop') {
  const start = output.indexOf('curl -sS -X POST');
  const end = output.indexOf('\nJSON', start) + '\nJSON'.length;
  const command = output.slice(start, end).replace('"action": "start"', `"action": "${action}"`);
  const { stdout } = await run('bash', ['-c', command]);
  return JSON.parse(stdout);
}

beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'minivoice-start-'));
});
afterAll(async () => {
  // If a test failed half way, leave no emulator behind.
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(localDir, { recursive: true, force: true });
});

describe('npm start', () => {
  let first: Started;
  let demo: {
    api_url: string;
    api_key: string;
    call_id: string;
    customer_id: string;
    application_id: string;
    webhook_secret: string;
  };
  /** The demo's secret after the rotation test, as the admin CLI printed it. */
  let rotatedSecret: string;

  /** The demo application's webhook secrets as stored, opened with npm start's KMS stand-in. */
  async function storedSecrets() {
    const runtime = JSON.parse(await readFile(join(localDir, 'runtime.json'), 'utf8'));
    const clients = createLocalAwsClients({ dynamodb: runtime.dynamodb_endpoint, sqs: runtime.sqs_endpoint });
    const item = (
      await clients.documents.send(
        new GetCommand({ TableName: runtime.table_name, Key: keys.application(demo.application_id) }),
      )
    ).Item;
    const sealer = createKmsSecretSealer(
      lazyKmsClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: runtime.kms_endpoint }),
      runtime.webhook_secrets_key_id,
    );
    return {
      current: await sealer.open(item?.webhook_secret, demo.application_id),
      previous: await sealer.open(item?.webhook_secret_previous, demo.application_id),
    };
  }

  it('seeds a demo tenant and writes it to .local/demo.json', async () => {
    first = await npmStart();
    demo = JSON.parse(await readFile(join(localDir, 'demo.json'), 'utf8'));

    expect(demo).toEqual({
      api_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      api_key: expect.stringMatching(/^mv_test_[0-9a-f]{40}$/),
      call_id: expect.stringMatching(/^call_[0-9a-z]+$/),
      customer_id: expect.stringMatching(/^cust_/),
      application_id: expect.stringMatching(/^app_/),
      webhook_secret: expect.stringMatching(/^whsec_/),
    });
    expect(first.output()).toContain(`API key      ${demo.api_key}`);
  }, 120_000);

  it('prints one progress line per startup step, in order, before the summary', () => {
    const output = first.output();
    const steps = output
      .slice(
        output.indexOf('Starting MiniVoice Recordings locally'),
        output.indexOf('MiniVoice Recordings is running'),
      )
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.replace(/\(\d+\.\d s\)$/, '(<s>)').replace(/:\d+/g, ':<port>'));

    expect(steps).toEqual([
      '  API        listening on http://127.0.0.1:<port> (503 until started) (<s>)',
      '  emulators  DynamoDB Local :<port>, SQS :<port>, S3 :<port>, KMS :<port>, FreeSWITCH Event Socket :<port> (<s>)',
      '  table      minivoice-local and its queues ready (<s>)',
      '  functions  recordings, webhook-sender, media-events, outbox-relay, retention-sweep loaded (<s>)',
      '  seed       demo customer, application, key and call seeded (<s>)',
      '  relay      media relay of local-fs running (<s>)',
    ]);
  });

  it('answers the printed page curl with the documented shape', async () => {
    const body = await printedCurl(first.output(), 'start');

    expect(body).toEqual({
      data: {
        call_id: demo.call_id,
        provider_call_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        action: 'start',
        recording: {
          id: `rec_${demo.call_id}`,
          call_id: demo.call_id,
          customer_id: demo.customer_id,
          application_id: demo.application_id,
          provider_call_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          status: 'started',
          storage_type: 'local',
          file_url: '',
          duration_seconds: 0,
          size_bytes: 0,
          created_at: expect.stringMatching(RFC3339_SECONDS),
          updated_at: expect.stringMatching(RFC3339_SECONDS),
        },
      },
    });
  });

  it('stops it into a completed recording whose file_url downloads, with the key, a WAV of the stated size', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const { recording } = (await printedCurl(first.output(), 'stop')).data;
    const answer = await fetch(recording.file_url, { headers: { authorization: `Bearer ${demo.api_key}` } });
    const file = Buffer.from(await answer.arrayBuffer());

    expect(recording).toMatchObject({
      status: 'completed',
      storage_type: 's3',
      file_url: `${demo.api_url}/v1/recordings/rec_${demo.call_id}/media`,
    });
    expect(recording.duration_seconds).toBeGreaterThanOrEqual(1);
    expect([file.length, file.toString('ascii', 0, 4), file.toString('ascii', 8, 12)]).toEqual([
      recording.size_bytes,
      'RIFF',
      'WAVE',
    ]);
  });

  it('refuses the download without the key', async () => {
    const answer = await fetch(`${demo.api_url}/v1/recordings/rec_${demo.call_id}/media`, {
      redirect: 'manual',
    });

    expect([answer.status, await answer.json()]).toEqual([
      401,
      { error: { code: 'unauthorized', message: 'a valid API key is required' } },
    ]);
  });

  it('runs the printed list and download commands', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'minivoice-download-'));
    const { list } = await printedReadCommands(first.output(), cwd);
    const file = await readFile(join(cwd, `rec_${demo.call_id}.wav`));

    expect(list).toEqual({
      data: [expect.objectContaining({ id: `rec_${demo.call_id}` })],
      next_cursor: null,
    });
    expect(file.length).toBe(list.data[0].size_bytes);
  });

  it('delivers both webhooks, signed, to the local inspector', async () => {
    let deliveries: { event: string; verified: boolean; headers: Record<string, string>; body: unknown }[] =
      [];
    for (let i = 0; i < 100 && deliveries.length < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      deliveries = (
        (await (await fetch(`${demo.api_url}/_local/webhooks`)).json()) as { deliveries: typeof deliveries }
      ).deliveries;
    }

    expect(deliveries.map((d) => [d.event, d.verified]).reverse()).toEqual([
      ['recording.started', true],
      ['recording.completed', true],
    ]);
    const [latest] = deliveries;
    expect(latest?.headers['x-minivoice-signature']).toMatch(/^v1=[0-9a-f]{64} v2=[0-9a-f]{64}$/);
    expect(verifyWebhook('whsec_wrong', latest?.headers ?? {}, JSON.stringify(latest?.body)).ok).toBe(false);
  });

  it('serves the inspector page to browsers (its script shows the deliveries: webhook-inspector-page.test.ts)', async () => {
    const page = await fetch(`${demo.api_url}/_local/webhooks`, { headers: { Accept: 'text/html' } });
    expect([page.headers.get('content-type'), await page.text()]).toEqual([
      'text/html; charset=utf-8',
      INSPECTOR_PAGE,
    ]);
  });

  it('writes one access line per API request to its output', async () => {
    const answer = await fetch(`${demo.api_url}/v1/calls/${demo.call_id}/recordings?limit=1`, {
      headers: { authorization: `Bearer ${demo.api_key}` },
    });
    const requestId = answer.headers.get('x-request-id') ?? 'no X-Request-Id';
    const linesOf = () =>
      first
        .output()
        .split('\n')
        .filter((line) => line.includes(requestId));
    for (let i = 0; i < 50 && !linesOf().some((line) => line.startsWith('[api] ')); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(
      linesOf()
        .filter((line) => line.startsWith('[api] '))
        .map((line) => line.replace(/ \d+ms /, ' <n>ms ')),
    ).toEqual([`[api] GET /v1/calls/${demo.call_id}/recordings 200 <n>ms ${requestId}`]);
  });

  it('lets the admin CLI list the recordings with --local', async () => {
    const result = await runScript(
      'scripts/admin/admin.ts',
      ['--local', 'list-recordings', '--call', demo.call_id],
      {
        MINIVOICE_LOCAL_DIR: localDir,
      },
    );
    expect(
      JSON.parse(result.stdout).recordings.map((r: { id: string; status: string }) => [r.id, r.status]),
    ).toEqual([[`rec_${demo.call_id}`, 'completed']]);
  });

  it("rotates the demo's webhook secret with the admin CLI (--local), sealed by npm start's KMS stand-in", async () => {
    const rotated = await runScript(
      'scripts/admin/admin.ts',
      ['--local', 'rotate-webhook-secret', '--application', demo.application_id],
      { MINIVOICE_LOCAL_DIR: localDir },
    );
    rotatedSecret = JSON.parse(rotated.stdout).webhook_secret;

    expect(await storedSecrets()).toEqual({ current: rotatedSecret, previous: demo.webhook_secret });
  });

  it("creates a call on npm start's media node with the admin CLI (create-call --local), and refuses a node it does not run", async () => {
    const admin = (args: string[]) =>
      runScript(
        'scripts/admin/admin.ts',
        ['--local', 'create-call', '--application', demo.application_id, ...args],
        {
          MINIVOICE_LOCAL_DIR: localDir,
        },
      );
    const created = await admin([]);
    const elsewhere = await admin(['--media-node', 'fs-b']);

    expect(JSON.parse(created.stdout)).toMatchObject({
      media_node: 'local-fs',
      provider_call_id: expect.any(String),
    });
    expect([elsewhere.code, elsewhere.stderr.trim()]).toEqual([
      2,
      'npm start runs no media node fs-b (it runs local-fs)',
    ]);
  });

  it('completes the recording within 5 s when the call hangs up (admin --local end-call), then refuses a stop', async () => {
    const restarted = await printedCurl(first.output(), 'start');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const hungUpAt = Date.now();
    const ended = await runScript('scripts/admin/admin.ts', ['--local', 'end-call', '--call', demo.call_id], {
      MINIVOICE_LOCAL_DIR: localDir,
    });
    let recordings: { id: string; status: string; duration_seconds: number; size_bytes: number }[] = [];
    while (Date.now() - hungUpAt < 5000 && recordings.at(-1)?.status !== 'completed') {
      const listed = await runScript(
        'scripts/admin/admin.ts',
        ['--local', 'list-recordings', '--call', demo.call_id],
        {
          MINIVOICE_LOCAL_DIR: localDir,
        },
      );
      recordings = JSON.parse(listed.stdout).recordings;
    }
    const after = await printedCurl(first.output(), 'stop');

    expect(restarted.data.recording.id).toBe(`rec_${demo.call_id}_2`);
    expect(JSON.parse(ended.stdout)).toMatchObject({ id: demo.call_id, status: 'completed' });
    expect(recordings.map((r) => [r.id, r.status])).toEqual([
      [`rec_${demo.call_id}`, 'completed'],
      [`rec_${demo.call_id}_2`, 'completed'],
    ]);
    expect(recordings[1]?.duration_seconds).toBeGreaterThanOrEqual(1);
    expect(after).toEqual({
      error: { code: 'active_call_not_found', message: 'no active call with this id' },
    });
  }, 60_000);

  it('delivers recording.completed of the hangup once, with end_reason hangup and the ended call', async () => {
    type Delivery = { event: string; body: { call: { status: string }; data: Record<string, unknown> } };
    let deliveries: Delivery[] = [];
    for (let i = 0; i < 100 && deliveries.length < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      deliveries = (
        (await (await fetch(`${demo.api_url}/_local/webhooks`)).json()) as { deliveries: Delivery[] }
      ).deliveries;
    }
    const [last] = deliveries;

    expect(deliveries.map((d) => d.event).reverse()).toEqual([
      'recording.started',
      'recording.completed',
      'recording.started',
      'recording.completed',
    ]);
    expect([last?.body.call.status, last?.body.data.end_reason, last?.body.data.sequence]).toEqual([
      'completed',
      'hangup',
      2,
    ]);
  });

  it('lets the admin CLI delete a recording with --local: its audio is gone, the download answers 410', async () => {
    const deleted = await runScript(
      'scripts/admin/admin.ts',
      ['--local', 'delete-recording', '--recording', `rec_${demo.call_id}`],
      { MINIVOICE_LOCAL_DIR: localDir },
    );
    const runtime = JSON.parse(await readFile(join(localDir, 'runtime.json'), 'utf8'));
    const stored = await createLocalAwsClients({
      dynamodb: runtime.dynamodb_endpoint,
      sqs: runtime.sqs_endpoint,
      s3: runtime.s3_endpoint,
    })
      .s3()
      .send(
        new HeadObjectCommand({
          Bucket: runtime.bucket,
          Key: `recordings/${demo.customer_id}/${demo.call_id}/rec_${demo.call_id}.wav`,
        }),
      )
      .then(
        () => 'still there',
        // Only "no such object" is gone: any other failure (the emulator's) must fail the test.
        (error: unknown) => {
          if (isMissingObject(error)) return 'gone';
          throw error;
        },
      );
    const download = await fetch(`${demo.api_url}/v1/recordings/rec_${demo.call_id}/media`, {
      headers: { authorization: `Bearer ${demo.api_key}` },
      redirect: 'manual',
    });

    expect(JSON.parse(deleted.stdout)).toMatchObject({
      id: `rec_${demo.call_id}`,
      status: 'deleted',
      file_url: '',
    });
    expect([stored, download.status]).toEqual(['gone', 410]);
  });

  it('stops every process on Ctrl-C', async () => {
    const { pid } = JSON.parse(await readFile(join(localDir, 'runtime.json'), 'utf8'));
    await stop(first);

    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(first.output()).not.toContain('while stopping');
    expect(first.output()).not.toContain('poller error');
  });

  it('has the admin CLI say in one line that npm start is not running, once stopped', async () => {
    const runtime = JSON.parse(await readFile(join(localDir, 'runtime.json'), 'utf8'));
    const result = await runScript(
      'scripts/admin/admin.ts',
      ['--local', 'list-recordings', '--call', demo.call_id],
      { MINIVOICE_LOCAL_DIR: localDir },
    );

    expect([result.code, result.stdout, result.stderr]).toEqual([
      2,
      '',
      `npm start is not running (no answer on ${new URL(runtime.dynamodb_endpoint).host}): start it with npm start, or drop --local to work on AWS\n`,
    ]);
  });

  it('keeps the data and the demo tenant across restarts, pointing its webhooks at MINIVOICE_WEBHOOK_URL', async () => {
    const second = await npmStart({ MINIVOICE_WEBHOOK_URL: 'https://hooks.example.com/minivoice' });
    const runtime = JSON.parse(await readFile(join(localDir, 'runtime.json'), 'utf8'));
    const application = await createLocalAwsClients({
      dynamodb: runtime.dynamodb_endpoint,
      sqs: runtime.sqs_endpoint,
    }).dynamodb.send(
      new GetItemCommand({
        TableName: runtime.table_name,
        Key: { pk: { S: `APP#${demo.application_id}` }, sk: { S: 'APP' } },
      }),
    );
    const again = JSON.parse(await readFile(join(localDir, 'demo.json'), 'utf8'));
    // The KMS stand-in's key material was kept in the data directory: the sealed secrets still open.
    const secrets = await storedSecrets();
    const listed = await runScript(
      'scripts/admin/admin.ts',
      ['--local', 'list-recordings', '--call', demo.call_id],
      {
        MINIVOICE_LOCAL_DIR: localDir,
      },
    );
    await stop(second);

    expect(second.output()).not.toContain('demo data seeded');
    // The demo call hung up, so the demo has a new call; its recordings stay.
    expect(again.api_key).toBe(demo.api_key);
    expect(again.call_id).not.toBe(demo.call_id);
    expect(second.output()).toContain(`Call id      ${again.call_id}`);
    expect(JSON.parse(listed.stdout).recordings).toHaveLength(2);
    expect(second.output()).toContain('Webhooks     https://hooks.example.com/minivoice');
    expect(application.Item?.webhook_url).toEqual({ S: 'https://hooks.example.com/minivoice' });
    expect(secrets).toEqual({ current: rotatedSecret, previous: demo.webhook_secret });
  }, 120_000);
});

describe('npm start, restarted while its demo call is active', () => {
  it('keeps the demo call active and recordable after a restart, once it has recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'minivoice-restart-'));
    try {
      const env = { MINIVOICE_LOCAL_DIR: dir };
      const before = await npmStart(env);
      const demo = JSON.parse(await readFile(join(dir, 'demo.json'), 'utf8'));
      await printedCurl(before.output(), 'start');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await printedCurl(before.output(), 'stop');
      await stop(before);

      // The media relay remembers the channel; the restarted simulator has none until the seed gives
      // the demo call one again. The relay must not report the call hung up meanwhile.
      const after = await npmStart(env);
      const again = await printedCurl(after.output(), 'start');
      await stop(after);

      expect(again.data).toMatchObject({ call_id: demo.call_id, recording: { id: `rec_${demo.call_id}_2` } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
