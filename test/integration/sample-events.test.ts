import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Handler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbStreamSource, type StreamLambda } from '../../scripts/local/dynamodb-stream-source.ts';
import {
  type SimulatedFreeSwitch,
  startSimulatedFreeSwitch,
} from '../../scripts/local/simulated-freeswitch/server.ts';
import { createSqsEventSource, type SqsLambda } from '../../scripts/local/sqs-event-source.ts';
import { loadMediaRelayConfig } from '../../services/media-relay/config.ts';
import { createRelay } from '../../services/media-relay/create-relay.ts';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { toApiKeyItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { OUTBOX_STREAM_FILTER } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import { lambdaContext } from '../support/api-events.ts';
import {
  createTestBucket,
  createTestClients,
  createTestQueue,
  createTestTable,
  drainQueue,
  seedCall,
} from '../support/aws-fixtures.ts';
import { expectedData } from '../support/expectations.ts';
import { createMemoryLogger } from '../support/fakes/memory-logger.ts';

// The tenant the files in events/ speak for (see events/README.md).
const SAMPLE = {
  apiKey: 'mv_test_sampleevents0000000000001',
  customerId: 'cust_sample',
  applicationId: 'app_sample',
};

const clients = createTestClients();
let freeswitch: SimulatedFreeSwitch;
let queueUrl: string;
let table: string;
let bucket: string;
let handler: Handler<APIGatewayProxyEvent, APIGatewayProxyResult>;
let relay: ReturnType<typeof createRelay>;
let relaying: Promise<void>;
let mediaEventSource: ReturnType<typeof createSqsEventSource>;
let outboxStream: ReturnType<typeof createDynamoDbStreamSource>;

/** The webhooks on the queue once everything committed so far has been relayed from the table's stream. */
const queuedWebhooks = async () => {
  await outboxStream.caughtUp();
  return (await drainQueue(clients.sqs, queueUrl)).map((m) => JSON.parse(m.Body ?? ''));
};

const EVENTS = join(import.meta.dirname, '../../events');
const readEvent = async (name: string) =>
  JSON.parse(await readFile(join(EVENTS, name), 'utf8')) as APIGatewayProxyEvent;
const invoke = async (name: string) => {
  const result = (await handler(
    await readEvent(name),
    lambdaContext(),
    () => undefined,
  )) as APIGatewayProxyResult;
  return { statusCode: result.statusCode, body: JSON.parse(String(result.body)) };
};

beforeAll(async () => {
  freeswitch = await startSimulatedFreeSwitch();
  freeswitch.addChannel('sample-channel-0001');
  table = await createTestTable(clients.documents);
  queueUrl = await createTestQueue(clients.sqs);
  bucket = await createTestBucket(clients.s3);
  const mediaQueueUrl = await createTestQueue(clients.sqs);
  await clients.documents.send(
    new PutCommand({
      TableName: table,
      Item: toApiKeyItem({
        key_hash: hashApiKey(SAMPLE.apiKey),
        application_id: SAMPLE.applicationId,
        customer_id: SAMPLE.customerId,
        status: 'active',
        application_status: 'active',
        created_at: '2026-11-24T10:00:00Z',
        key_prefix: SAMPLE.apiKey.slice(0, 12),
      }),
    }),
  );
  await seedCall(clients.documents, table, SAMPLE, {
    id: 'call_sample1',
    provider_call_id: 'sample-channel-0001',
  });
  // The variables `sam local invoke --env-vars events/sam-env.json` passes, pointed at this test's
  // emulators and simulated FreeSWITCH; the modules read them at import.
  const samEnv = JSON.parse(await readFile(join(EVENTS, 'sam-env.json'), 'utf8')).Parameters;
  Object.assign(process.env, {
    ...samEnv,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    AWS_ENDPOINT_URL_SQS: process.env.AWS_ENDPOINT_URL_SQS,
    AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3,
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    MEDIA_EVENTS_QUEUE_URL: mediaQueueUrl,
    RECORDINGS_BUCKET: bucket,
    ESL_NODES: `local-fs=127.0.0.1:${freeswitch.port}`,
  });
  ({ handler } = await import('../../functions/recordings/handler.ts'));
  // A stop completes once the relay beside the media server stored the file and the media-events
  // function applied its report, as under `npm start`.
  const { handler: mediaEvents } = await import('../../functions/media-events/handler.ts');
  mediaEventSource = createSqsEventSource({
    sqs: clients.sqs,
    queueUrl: mediaQueueUrl,
    handler: mediaEvents as unknown as SqsLambda,
    functionName: 'media-events',
    waitTimeSeconds: 0,
    emptyPauseMs: 20,
  });
  mediaEventSource.start();
  // Committed events reach the webhook queue through the table's stream and the outbox relay.
  const { handler: outboxRelay } = await import('../../functions/outbox-relay/handler.ts');
  outboxStream = createDynamoDbStreamSource({
    dynamodb: clients.dynamodb,
    // The recipe's streams client, pointed at DynamoDB Local by the global setup.
    streams: createAwsClients().streams(),
    tableName: table,
    handler: outboxRelay as unknown as StreamLambda,
    filter: OUTBOX_STREAM_FILTER,
    functionName: 'outbox-relay',
    emptyPauseMs: 20,
  });
  outboxStream.start();
  relay = createRelay(
    loadMediaRelayConfig({
      ...process.env,
      RELAY_STATE_FILE: join(await mkdtemp(join(tmpdir(), 'minivoice-sample-relay-')), 'state.json'),
      // The relay reaches the switch it runs beside (the functions reach the fleet through ESL_NODES).
      ESL_HOST: '127.0.0.1',
      ESL_PORT: String(freeswitch.port),
      MEDIA_NODE: 'local-fs',
    }),
    { sqs: clients.sqs, s3: clients.s3 },
    createMemoryLogger(),
  );
  relaying = relay.run();
});

afterAll(async () => {
  relay.stop();
  await relaying;
  await mediaEventSource.stop();
  await outboxStream.stop();
  await freeswitch.close();
});

describe('events/ sample files through functions/recordings/handler.ts', () => {
  const call = {
    id: 'call_sample1',
    customer_id: SAMPLE.customerId,
    application_id: SAMPLE.applicationId,
    provider_call_id: 'sample-channel-0001',
  } as const;

  it('starts the sample call with start-recording.json', async () => {
    expect(await invoke('start-recording.json')).toEqual({
      statusCode: 200,
      body: expectedData(call, 'start', { status: 'started' }),
    });
  });

  it('stops it with stop-recording.json once its audio is stored, with the stored size', async () => {
    const answer = await invoke('stop-recording.json');

    expect(answer.statusCode).toBe(200);
    expect(answer.body.data.recording).toMatchObject({
      status: 'completed',
      storage_type: 's3',
      file_url: 'http://127.0.0.1:3000/v1/recordings/rec_call_sample1/media',
    });
    const stored = await clients.s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: `recordings/${SAMPLE.customerId}/call_sample1/rec_call_sample1.wav`,
      }),
    );
    expect(stored.ContentLength).toBe(answer.body.data.recording.size_bytes);
  });

  it('queued both webhooks', async () => {
    const events = (await queuedWebhooks()).map((body) => body.event);
    expect(events).toEqual(['recording.started', 'recording.completed']);
  });

  it('answers unknown-route.json with 404 not_found', async () => {
    expect(await invoke('unknown-route.json')).toEqual({
      statusCode: 404,
      body: { error: { code: 'not_found', message: 'no such route' } },
    });
  });
});

describe('events/media-event-hangup.json through functions/media-events/handler.ts', () => {
  it('completes a started recording from its stored audio by hangup and ends the call', async () => {
    expect((await invoke('start-recording.json')).body.data.recording.id).toBe('rec_call_sample1_2');
    const { handler: mediaEvents } = await import('../../functions/media-events/handler.ts');
    const event = JSON.parse(await readFile(join(EVENTS, 'media-event-hangup.json'), 'utf8'));
    // The relay's report says the file is stored: so it is (112 684 bytes, as the event says).
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `recordings/${SAMPLE.customerId}/call_sample1/rec_call_sample1_2.wav`,
        Body: Buffer.alloc(112_684),
      }),
    );

    expect(await mediaEvents(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    const completed = await queuedWebhooks();
    expect(
      completed.map((e) => [e.event, e.call.status, e.data.end_reason, e.data.recording.duration_seconds]),
    ).toEqual([
      ['recording.started', 'in_progress', undefined, 0],
      ['recording.completed', 'completed', 'hangup', 7],
    ]);
  });
});

describe('events/outbox-stream.json through functions/outbox-relay/handler.ts', () => {
  it('queues the outbox event the stream record carries, with its exact body', async () => {
    await outboxStream.caughtUp();
    const { handler: relayOutbox } = await import('../../functions/outbox-relay/handler.ts');
    const event = JSON.parse(await readFile(join(EVENTS, 'outbox-stream.json'), 'utf8'));
    const body = event.Records[0].dynamodb.NewImage.body.S;

    expect(await relayOutbox(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    const queued = await drainQueue(clients.sqs, queueUrl);
    expect(queued.map((m) => [m.Body, m.MessageAttributes?.event_id?.StringValue])).toEqual([
      [body, 'evt_sample0001'],
    ]);
  });
});
