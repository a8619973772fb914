import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { parseMediaEvent } from '../../shared/media-events/media-event-message.ts';
import type { RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { createTestBucket, createTestClients, createTestQueue, drainQueue } from '../support/aws-fixtures.ts';
import { providerFor, startTestFreeSwitch } from '../support/media-server.ts';

// The relay as it ships: `npm run build:relay`'s one-file bundle, run by node with only its
// environment, beside a FreeSWITCH, storing into an S3 bucket and sending to an SQS queue.
const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const { sqs, s3 } = createTestClients();
let bucket: string;
let freeswitch: SimulatedFreeSwitch;
let files: RecordingFiles;
let pathTemplate: string;
let stateFile: string;
let queueUrl: string;
let relay: ChildProcess;
let output = '';

beforeAll(async () => {
  await run('npm', ['run', '-s', 'build:relay'], { cwd: ROOT });
  ({ freeswitch, files, pathTemplate } = await startTestFreeSwitch());
  stateFile = join(await mkdtemp(join(tmpdir(), 'minivoice-relay-bundle-')), 'state.json');
  queueUrl = await createTestQueue(sqs);
  bucket = await createTestBucket(s3);
  relay = spawn(process.execPath, [join(ROOT, 'dist/media-relay/media-relay.mjs')], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: process.env.AWS_REGION,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
      AWS_ENDPOINT_URL_SQS: process.env.AWS_ENDPOINT_URL_SQS,
      AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3,
      RECORDINGS_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: 'true',
      ESL_HOST: '127.0.0.1',
      ESL_PORT: String(freeswitch.port),
      ESL_PASSWORD: freeswitch.password,
      MEDIA_EVENTS_QUEUE_URL: queueUrl,
      RECORDING_PATH_TEMPLATE: pathTemplate,
      RELAY_STATE_FILE: stateFile,
      MEDIA_NODE: 'fs-bundle',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  relay.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  relay.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  for (let i = 0; i < 100 && !output.includes('connected to the media server'); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 60_000);

afterAll(async () => {
  relay.kill('SIGKILL');
  await freeswitch.close();
});

describe('the media relay bundle', () => {
  it('stores a recording, sends it and its hangup to the queue, then stops cleanly on SIGTERM keeping its journal', async () => {
    const uuid = freeswitch.addChannel();
    const request = {
      providerCallId: uuid,
      recordingId: 'rec_call_bundle1',
      callId: 'call_bundle1',
      customerId: 'cust_1',
      applicationId: 'app_1',
    };
    await providerFor(freeswitch, files).startRecording(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    freeswitch.hangup(uuid);
    const kinds: string[] = [];
    // A call is two legs, and FreeSWITCH reports each leg's hangup (transcript 03): four events.
    for (let i = 0; i < 50 && kinds.length < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const message of await drainQueue(sqs, queueUrl)) {
        const parsed = parseMediaEvent(message.Body ?? '');
        if (parsed.ok)
          kinds.push(
            `${parsed.event.kind} ${parsed.event.media_node} ${parsed.event.channel_uuid === uuid ? 'leg A' : 'other leg'}`,
          );
      }
    }
    const exited = new Promise<number | null>((resolve) => relay.once('exit', resolve));
    relay.kill('SIGTERM');

    expect(kinds.sort()).toEqual([
      'channel_hangup fs-bundle leg A',
      'channel_hangup fs-bundle other leg',
      'recording_started fs-bundle leg A',
      'recording_stopped fs-bundle leg A',
    ]);
    const stored = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'recordings/cust_1/call_bundle1/rec_call_bundle1.wav' }),
    );
    expect(stored.ContentLength).toBeGreaterThan(44);
    expect(existsSync(files.pathOf(request))).toBe(false);
    expect(await exited).toBe(0);
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({
      coreUuid: freeswitch.coreUuid,
      running: {},
    });
    expect(output).toContain('"message":"media relay stopped"');
  }, 30_000);
});
