import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRelayHandler } from '../../functions/outbox-relay/create-handler.ts';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { createWebhookSenderHandler } from '../../functions/webhook-sender/create-handler.ts';
import {
  type RunningEmulator,
  startDynamoDbLocal,
  startSqsEmulator,
} from '../../scripts/emulators/start-emulators.ts';
import { createDynamoDbStreamSource, type StreamLambda } from '../../scripts/local/dynamodb-stream-source.ts';
import { ensureQueues } from '../../scripts/local/local-resources.ts';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { createSqsEventSource, type SqsLambda } from '../../scripts/local/sqs-event-source.ts';
import { DEFAULT_ALLOWANCE } from '../../shared/accounts/gcra.ts';
import { createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbApiKeyReader } from '../../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { OUTBOX_STREAM_FILTER } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import { createTableInput, keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../../shared/adapters/http/http-webhook-transport.ts';
import { createSqsDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letter-queue.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { RecordingProvider } from '../../shared/recordings/ports.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { DEFAULT_RETRY_POLICY } from '../../shared/webhooks/retry-policy.ts';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import { approveWebhookTarget } from '../../shared/webhooks/target-policy.ts';
import { apiEvent, lambdaContext } from '../support/api-events.ts';
import { type SeededTenant, seedCall, seedTenant } from '../support/aws-fixtures.ts';
import { createInMemoryRecordingMedia } from '../support/fakes/in-memory-recording-media.ts';
import { noMetrics } from '../support/fakes/memory-metrics.ts';
import { createTestSealer } from '../support/kms.ts';
import { providerFor, startTestFreeSwitch } from '../support/media-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// One run through every fault the service must survive, on emulators of its own (so they can be
// killed): a failing media server, DynamoDB Local killed and restarted mid-request, SQS down for a
// while (the table's stream holding the events meanwhile), and the webhook receiver down for a while.
// Afterwards: no call stuck, every accepted state change's webhook delivered, nothing duplicated.
const SECRET = 'whsec_faults';
const LEASE_MS = 800;
const TABLE = 'recordings-faults';
let dataDir: string;
let ports: { dynamodb: number; sqs: number; receiver: number };
let dynamodb: RunningEmulator;
let sqsEmulator: RunningEmulator;
let freeswitch: SimulatedFreeSwitch;
let receiver: WebhookReceiver;
let documents: DynamoDBDocumentClient;
let sqs: SQSClient;
let queues: { queueUrl: string; dlqUrl: string };
let tenant: SeededTenant;
let calls: Call[];
let killDynamoDbDuringProvider = false;
const answers: { label: string; status: number; code?: string }[] = [];
let handler: ReturnType<typeof createRecordingsHandler>;
let source: ReturnType<typeof createSqsEventSource>;
let outboxStream: ReturnType<typeof createDynamoDbStreamSource>;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function post(label: string, call: Call, action: 'start' | 'stop') {
  const result = await handler(
    apiEvent({
      path: `/v1/calls/${call.id}/recordings`,
      headers: { authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify({ action }),
    }),
    lambdaContext(),
  );
  const body = JSON.parse(String(result.body));
  answers.push({ label, status: result.statusCode ?? 0, code: body.error?.code });
  return { status: result.statusCode, body };
}

const call = (i: number) => calls[i] as Call;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'minivoice-faults-'));
  ports = { dynamodb: await freePort(), sqs: await freePort(), receiver: await freePort() };
  [dynamodb, sqsEmulator] = await Promise.all([
    startDynamoDbLocal({ dbPath: dataDir, port: ports.dynamodb }),
    startSqsEmulator({ port: ports.sqs }),
  ]);
  const clients = createAwsClients({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'faults', secretAccessKey: 'faults' },
    endpoints: { dynamodb: dynamodb.endpoint, streams: dynamodb.endpoint, sqs: sqsEmulator.endpoint },
    maxAttempts: 2,
  });
  documents = clients.documents;
  sqs = clients.sqs();
  await clients.dynamodb.send(new CreateTableCommand(createTableInput(TABLE)));
  queues = await ensureQueues(sqs, { queue: 'faults-webhooks', deadLetterQueue: 'faults-webhooks-dlq' });

  const media = await startTestFreeSwitch();
  freeswitch = media.freeswitch;
  receiver = await startWebhookReceiver(ports.receiver);
  tenant = await seedTenant(documents, TABLE, { webhookUrl: receiver.url, webhookSecret: SECRET });
  calls = await Promise.all(Array.from({ length: 6 }, () => seedCall(documents, TABLE, tenant)));
  for (const c of calls) freeswitch.addChannel(c.provider_call_id ?? '');

  const esl = providerFor(freeswitch, media.files, { timeoutMs: 1500 });
  // Lets a test kill DynamoDB at the worst moment: after the claim, while the media server works.
  const provider: RecordingProvider = {
    ...esl,
    startRecording: async (request) => {
      if (killDynamoDbDuringProvider) await dynamodb.stop();
      return esl.startRecording(request);
    },
  };
  const quiet = createJsonLogger({}, () => undefined);
  // The queue is re-created when the SQS emulator restarts, at the same URL.
  const webhookQueue = createSqsEventQueue(sqs, queues.queueUrl);
  handler = createRecordingsHandler({
    store: createDynamoDbRecordingStore(documents, TABLE),
    // Only the start and stop routes run here; storage faults are media-faults.test.ts's.
    archive: createDynamoDbArchiveStore(documents, TABLE),
    media: createInMemoryRecordingMedia().media,
    keys: createDynamoDbApiKeyReader(documents, TABLE),
    allowance: createDynamoDbRequestAllowance(documents, TABLE, DEFAULT_ALLOWANCE, systemClock),
    deliveries: createDynamoDbWebhookStore(documents, TABLE),
    queue: webhookQueue,
    provider,
    files: media.files,
    clock: systemClock,
    ids: randomIds,
    logger: quiet,
    metrics: noMetrics,
    settings: { claimLeaseMs: LEASE_MS, stopSettleMs: 500, publicApiUrl: 'https://api.minivoice.test' },
  });
  const sender = createWebhookSenderHandler({
    store: createDynamoDbWebhookStore(documents, TABLE),
    queue: webhookQueue,
    deadLetters: createSqsDeadLetters(sqs, queues.dlqUrl),
    metrics: noMetrics,
    transport: createHttpWebhookTransport(),
    approveTarget: (url) => approveWebhookTarget(url, { allowInsecureLocalTargets: true }, systemResolver),
    visibility: createSqsMessageVisibility(sqs, queues.queueUrl),
    secrets: createTestSealer(),
    clock: systemClock,
    logger: quiet,
    settings: {
      timeoutMs: 1000,
      disableAfterMs: 5 * 86_400_000,
      userAgent: 'MiniVoice-Webhooks/1.0',
      retry: { ...DEFAULT_RETRY_POLICY, baseDelaySeconds: 0 },
    },
  });
  source = createSqsEventSource({ sqs, queueUrl: queues.queueUrl, handler: sender as unknown as SqsLambda });
  // The table's stream through the real outbox relay, read when the test says (as Lambda would, on and on).
  outboxStream = createDynamoDbStreamSource({
    dynamodb: clients.dynamodb,
    streams: clients.streams(),
    tableName: TABLE,
    handler: createOutboxRelayHandler({
      queue: webhookQueue,
      logger: quiet,
      metrics: noMetrics,
      clock: systemClock,
    }) as unknown as StreamLambda,
    filter: OUTBOX_STREAM_FILTER,
    functionName: 'outbox-relay',
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([dynamodb.stop(), sqsEmulator.stop(), freeswitch.close(), receiver.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

describe('faults', () => {
  it('answers 502 when the media server refuses, hangs without starting, or refuses the password', async () => {
    const refused = { kind: 'answer', text: '-ERR Cannot locate session!\n' } as const;
    const hung = { kind: 'hang' } as const;
    for (const [i, fault] of [refused, hung].entries()) {
      freeswitch.setFault((command) => (command.includes(' start ') ? fault : undefined));
      expect((await post(`provider ${fault.kind}`, call(i), 'start')).body).toEqual({
        error: { code: 'recording_start_failed', message: 'the media server could not start the recording' },
      });
    }
    freeswitch.setFault(undefined);
    // As after a restart with another password: the kept connections are gone, new ones are refused.
    freeswitch.setRefuseAuth(true);
    freeswitch.dropCommandConnections();
    expect((await post('provider unreachable', call(2), 'start')).status).toBe(502);
    freeswitch.setRefuseAuth(false);
    for (let i = 0; i < 3; i += 1)
      expect((await post('after provider recovered', call(i), 'start')).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect(freeswitch.isRecording(call(i).provider_call_id ?? '')).toBe(true);
  });

  it('answers 502 and stops the audio when DynamoDB dies after the media server started; 503 while it is down', async () => {
    killDynamoDbDuringProvider = true;
    const midway = await post('dynamodb killed mid-request', call(3), 'start');
    killDynamoDbDuringProvider = false;
    const during = await post('dynamodb down', call(4), 'start');

    expect([midway.status, midway.body.error.code, during.status, during.body.error.code]).toEqual([
      502,
      'recording_start_failed',
      503,
      'service_unavailable',
    ]);
    // Nothing records that the API cannot show.
    expect(freeswitch.isRecording(call(3).provider_call_id ?? '')).toBe(false);
  });

  it('recovers after DynamoDB restarts: the half-done start is settled as failed once its lease runs out', async () => {
    dynamodb = await startDynamoDbLocal({ dbPath: dataDir, port: ports.dynamodb });
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 100));

    const retried = await post('retry after restart', call(3), 'start');
    const other = await post('other call after restart', call(4), 'start');

    expect([retried.status, retried.body.data?.recording.id, other.status]).toEqual([
      200,
      `rec_${call(3).id}_2`,
      200,
    ]);
    // The dead request's start was stopped by that request itself; the takeover found nothing recording.
    expect(
      freeswitch.commands
        .filter((c) => c.startsWith(`uuid_record ${call(3).provider_call_id} `))
        .map((c) => c.split(' ')[2]),
    ).toEqual(['start', 'stop', 'start']);
  }, 60_000);

  it('keeps answering 200 while SQS is down; the stream holds the events, the relay reporting them not queued', async () => {
    await sqsEmulator.stop();
    // (A stop needs the media events, which travel on SQS too: it completes once SQS is back.)
    const starts = [await post('sqs down', call(5), 'start'), await post('sqs down', call(5), 'start')];
    const handed = await outboxStream.pollOnce();
    const again = await outboxStream.pollOnce(); // read again from the first record the relay could not queue

    expect(starts.map((s) => s.status)).toEqual([200, 200]);
    expect([handed > 0, again]).toEqual([true, handed]);
  });

  it('queues the held events once SQS is back, and the sender delivers everything through a receiver outage', async () => {
    sqsEmulator = await startSqsEmulator({ port: ports.sqs });
    queues = await ensureQueues(sqs, { queue: 'faults-webhooks', deadLetterQueue: 'faults-webhooks-dlq' });
    await outboxStream.caughtUp(20_000);

    await receiver.close();
    const whileDown = await source.pollOnce();
    receiver = await startWebhookReceiver(ports.receiver);
    for (let i = 0; i < 20 && (await source.pollOnce()) !== undefined; i += 1);

    expect(whileDown?.response?.batchItemFailures.length).toBeGreaterThan(0);
  }, 60_000);

  it('leaves no call stuck in a claim', async () => {
    const { Items = [] } = await documents.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'sk = :call',
        ExpressionAttributeValues: { ':call': 'CALL' },
      }),
    );
    expect(
      Items.filter((item) => item.active_recording && item.active_recording.state !== 'started'),
    ).toEqual([]);
  });

  it('delivered the webhook of every accepted state change, verifiably, and stored no duplicates', async () => {
    const expected: string[] = [];
    for (const c of calls) {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
          ExpressionAttributeValues: { ':pk': keys.call(c.id).pk, ':rec': 'REC#' },
        }),
      );
      const ids = Items.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const r of Items) {
        if (r.status === 'failed') expected.push(`${r.id}:recording.failed`);
        else expected.push(`${r.id}:recording.started`);
        if (r.status === 'completed') expected.push(`${r.id}:recording.completed`);
      }
    }
    const delivered = receiver.received
      .filter((r) => verifyWebhook(SECRET, r.headers, r.body, 300).ok)
      .map((r) => JSON.parse(r.body).data.event_key as string);
    expect([...new Set(delivered)].sort()).toEqual(expected.sort());
  });

  it('answered every failure with a clear code', () => {
    expect(answers.filter((a) => a.status >= 500).map((a) => [a.label, a.status, a.code])).toEqual([
      ['provider answer', 502, 'recording_start_failed'],
      ['provider hang', 502, 'recording_start_failed'],
      ['provider unreachable', 502, 'recording_start_failed'],
      ['dynamodb killed mid-request', 502, 'recording_start_failed'],
      ['dynamodb down', 503, 'service_unavailable'],
    ]);
  });
});
