import { beforeAll, describe, expect, it } from 'vitest';
import { createRoundTripCounter } from '../../bench/round-trip-counter.ts';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createRecordingFiles } from '../../shared/recordings/recording-files.ts';
import { apiEvent, lambdaContext } from '../support/api-events.ts';
import {
  createTestClients,
  createTestQueue,
  createTestTable,
  seedCall,
  seedTenant,
} from '../support/aws-fixtures.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';

// Round trips are a design property (one read, one claim, one commit), so they are asserted here;
// their timing is only measured by `npm run bench`.
const { dynamodb, documents, sqs } = createTestClients();
const counter = createRoundTripCounter({ dynamodb, sqs });
let post: (callId: string, key: string, action: string) => Promise<unknown>;
let table: string;

// Read key + call, claim the call, [media server], commit state + recording + event, queue the event.
const STATE_CHANGE = {
  dynamodbBeforeProvider: 2,
  dynamodbAfterProvider: 1,
  sqs: 1,
  commands: [
    'dynamodb:BatchGetItemCommand',
    'dynamodb:UpdateItemCommand',
    'dynamodb:TransactWriteItemsCommand',
    'sqs:SendMessageCommand',
  ],
};

beforeAll(async () => {
  table = await createTestTable(documents);
  const queueUrl = await createTestQueue(sqs);
  const handler = createRecordingsHandler({
    store: createDynamoDbRecordingStore(documents, table),
    queue: createSqsEventQueue(sqs, queueUrl),
    provider: counter.watch(createScriptedProvider().provider),
    files: createRecordingFiles({
      path: '/rec/{call_id}/{recording_id}.wav',
      url: 'https://media.test/{recording_id}.wav',
    }),
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({}, () => undefined),
    settings: { claimLeaseMs: 10_000, stopSettleMs: 1000 },
  });
  post = async (callId, key, action) => {
    counter.reset();
    return handler(
      apiEvent({
        path: `/v1/calls/${callId}/recordings`,
        headers: { authorization: `Bearer ${key}` },
        body: JSON.stringify({ action }),
      }),
      lambdaContext(),
    );
  };
});

describe('request cost', () => {
  it('starts with two DynamoDB round trips before the provider, one after and one SQS send', async () => {
    const tenant = await seedTenant(documents, table);
    const call = await seedCall(documents, table, tenant);
    await post(call.id, tenant.apiKey, 'start');

    expect(counter.read()).toEqual(STATE_CHANGE);
  });

  it('answers an idempotent start with one DynamoDB round trip', async () => {
    const tenant = await seedTenant(documents, table);
    const call = await seedCall(documents, table, tenant);
    await post(call.id, tenant.apiKey, 'start');
    await post(call.id, tenant.apiKey, 'start');

    expect(counter.read()).toEqual({
      dynamodbBeforeProvider: 1,
      dynamodbAfterProvider: 0,
      sqs: 0,
      commands: ['dynamodb:BatchGetItemCommand'],
    });
  });

  it('stops with two DynamoDB round trips before the provider, one after and one SQS send', async () => {
    const tenant = await seedTenant(documents, table);
    const call = await seedCall(documents, table, tenant);
    await post(call.id, tenant.apiKey, 'start');
    await post(call.id, tenant.apiKey, 'stop');

    expect(counter.read()).toEqual(STATE_CHANGE);
  });
});
