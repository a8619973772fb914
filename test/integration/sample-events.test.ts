import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Handler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimulatedFreeSwitch,
  startSimulatedFreeSwitch,
} from '../../scripts/local/simulated-freeswitch/server.ts';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { toApiKeyItem, toOutboxItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { lambdaContext } from '../support/api-events.ts';
import {
  createTestClients,
  createTestQueue,
  createTestTable,
  drainQueue,
  seedCall,
} from '../support/aws-fixtures.ts';
import { expectedData } from '../support/expectations.ts';

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
let handler: Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

const EVENTS = join(import.meta.dirname, '../../events');
const readEvent = async (name: string) =>
  JSON.parse(await readFile(join(EVENTS, name), 'utf8')) as APIGatewayProxyEventV2;
const invoke = async (name: string) => {
  const result = (await handler(
    await readEvent(name),
    lambdaContext(),
    () => undefined,
  )) as APIGatewayProxyStructuredResultV2;
  return { statusCode: result.statusCode, body: JSON.parse(String(result.body)) };
};

beforeAll(async () => {
  freeswitch = await startSimulatedFreeSwitch();
  freeswitch.addChannel('sample-channel-0001');
  table = await createTestTable(clients.documents);
  queueUrl = await createTestQueue(clients.sqs);
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
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    MEDIA_EVENTS_QUEUE_URL: await createTestQueue(clients.sqs),
    ESL_HOST: '127.0.0.1',
    ESL_PORT: String(freeswitch.port),
  });
  ({ handler } = await import('../../functions/recordings/handler.ts'));
});

afterAll(async () => {
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

  it('stops it with stop-recording.json and a real WAV of the stated size', async () => {
    const answer = await invoke('stop-recording.json');

    expect(answer.statusCode).toBe(200);
    expect(answer.body.data.recording).toMatchObject({
      status: 'completed',
      file_url: `http://127.0.0.1:3000/recordings/${SAMPLE.customerId}/call_sample1/rec_call_sample1.wav`,
    });
    const file = await readFile(
      `/tmp/minivoice-sample/recordings/${SAMPLE.customerId}/call_sample1/rec_call_sample1.wav`,
    );
    expect(file.length).toBe(answer.body.data.recording.size_bytes);
  });

  it('queued both webhooks', async () => {
    const events = (await drainQueue(clients.sqs, queueUrl)).map((m) => JSON.parse(m.Body ?? '').event);
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
  it('completes a started recording by hangup and ends the call', async () => {
    expect((await invoke('start-recording.json')).body.data.recording.id).toBe('rec_call_sample1_2');
    const { handler: mediaEvents } = await import('../../functions/media-events/handler.ts');
    const event = JSON.parse(await readFile(join(EVENTS, 'media-event-hangup.json'), 'utf8'));

    expect(await mediaEvents(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    const completed = (await drainQueue(clients.sqs, queueUrl)).map((m) => JSON.parse(m.Body ?? ''));
    expect(
      completed.map((e) => [e.event, e.call.status, e.data.end_reason, e.data.recording.duration_seconds]),
    ).toEqual([
      ['recording.started', 'in_progress', undefined, 0],
      ['recording.completed', 'completed', 'hangup', 7],
    ]);
  });
});

describe('events/outbox-sweep.json through functions/outbox-sweep/handler.ts', () => {
  it('queues an event that was left in the outbox', async () => {
    const stuck = {
      event_id: 'evt_stuck1',
      event_type: 'recording.started' as const,
      application_id: SAMPLE.applicationId,
      call_id: 'call_sample1',
      created_at: '2026-11-24T09:00:00Z',
      body: '{"event":"recording.started"}',
    };
    await clients.documents.send(new PutCommand({ TableName: table, Item: toOutboxItem(stuck) }));
    const { handler: sweep } = await import('../../functions/outbox-sweep/handler.ts');
    const event = JSON.parse(
      await readFile(join(import.meta.dirname, '../../events/outbox-sweep.json'), 'utf8'),
    );

    expect(await sweep(event, lambdaContext())).toEqual({ found: 1, dispatched: 1 });
    expect((await drainQueue(clients.sqs, queueUrl)).map((m) => m.Body)).toEqual([
      '{"event":"recording.started"}',
    ]);
  });
});
