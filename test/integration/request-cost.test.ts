import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoundTripCounter } from '../../bench/round-trip-counter.ts';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { DEFAULT_ALLOWANCE } from '../../shared/accounts/gcra.ts';
import { createDynamoDbApiKeyReader } from '../../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { apiEvent, lambdaContext } from '../support/api-events.ts';
import { createTestClients, type SeededTenant, seedTenant } from '../support/aws-fixtures.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// Round trips are a design property (one read, one take from the application's allowance, one claim,
// one commit; reads: one for the key, one for the data), so they are asserted here; their timing is only measured by `npm run bench`. The
// handler under test has clients of its own, so the counter sees only its requests, not the media
// events the harness applies in the background.
const counted = createTestClients();
const counter = createRoundTripCounter({ dynamodb: counted.dynamodb, sqs: counted.sqs });
let h: ServiceHarness;
let send: (method: string, path: string, action?: string) => Promise<APIGatewayProxyResult>;

// Read key + call, take the request from the application's allowance (one conditional write), claim
// the call, [media server], commit state + recording + event. The event leaves through the table's
// stream: the request sends nothing to SQS.
const START = {
  dynamodbBeforeProvider: 3,
  dynamodbAfterProvider: 1,
  sqs: 0,
  commands: [
    'dynamodb:BatchGetItemCommand',
    'dynamodb:UpdateItemCommand',
    'dynamodb:UpdateItemCommand',
    'dynamodb:TransactWriteItemsCommand',
  ],
};
// What every authenticated request starts with: the key (with its data) and the allowance.
const ADMISSION = ['dynamodb:BatchGetItemCommand', 'dynamodb:UpdateItemCommand'];

beforeAll(async () => {
  h = await createServiceHarness({ provider: createScriptedProvider().provider });
  const handler = createRecordingsHandler({
    ...h.deps,
    store: createDynamoDbRecordingStore(counted.documents, h.table),
    archive: createDynamoDbArchiveStore(counted.documents, h.table),
    media: createS3RecordingMedia(() => counted.s3, h.bucket),
    keys: createDynamoDbApiKeyReader(counted.documents, h.table),
    allowance: createDynamoDbRequestAllowance(counted.documents, h.table, DEFAULT_ALLOWANCE, systemClock),
    deliveries: createDynamoDbWebhookStore(counted.documents, h.table),
    queue: createSqsEventQueue(counted.sqs, h.queueUrl),
    provider: counter.watch(h.deps.provider),
  });
  send = async (method, path, action = 'start') => {
    counter.reset();
    const [pathOnly = path, query] = path.split('?');
    return (await handler(
      apiEvent({
        method,
        path: pathOnly,
        ...(query ? { rawQueryString: query } : {}),
        headers: { authorization: `Bearer ${h.tenant.apiKey}` },
        ...(method === 'POST' ? { body: JSON.stringify({ action }) } : {}),
      }),
      lambdaContext(),
    )) as APIGatewayProxyResult;
  };
});
afterAll(async () => {
  await h.close();
});

async function completedCall(): Promise<Call> {
  const call = await h.newCall();
  await h.control(call.id, 'start');
  await h.control(call.id, 'stop');
  return call;
}

describe('request cost', () => {
  it('starts with two DynamoDB round trips before the provider, one after and no SQS send', async () => {
    const call = await h.newCall();
    await send('POST', `/v1/calls/${call.id}/recordings`);

    expect(counter.read()).toEqual(START);
  });

  it('answers an idempotent start with the read and the allowance only', async () => {
    const call = await h.newCall();
    await send('POST', `/v1/calls/${call.id}/recordings`);
    await send('POST', `/v1/calls/${call.id}/recordings`);

    expect(counter.read()).toEqual({
      dynamodbBeforeProvider: 2,
      dynamodbAfterProvider: 0,
      sqs: 0,
      commands: ADMISSION,
    });
  });

  it('stops with three round trips before the provider, then only reads until the media events completed it', async () => {
    const call = await h.newCall();
    await send('POST', `/v1/calls/${call.id}/recordings`);
    const answer = await send('POST', `/v1/calls/${call.id}/recordings`, 'stop');

    const trips = counter.read();
    expect([answer.statusCode, trips.dynamodbBeforeProvider, trips.sqs]).toEqual([200, 3, 0]);
    expect(trips.commands.slice(0, 3)).toEqual([...ADMISSION, 'dynamodb:UpdateItemCommand']);
    expect(new Set(trips.commands.slice(3))).toEqual(new Set(['dynamodb:GetItemCommand']));
  });

  it('lists a call’s recordings with one round trip for the key and the call, one for the allowance and one for the page', async () => {
    const call = await completedCall();
    await send('GET', `/v1/calls/${call.id}/recordings?limit=5`);

    expect(counter.read().commands).toEqual([...ADMISSION, 'dynamodb:QueryCommand']);
  });

  it('reads one recording with the read and the allowance only', async () => {
    const call = await completedCall();
    await send('GET', `/v1/recordings/rec_${call.id}`);

    expect(counter.read().commands).toEqual(ADMISSION);
  });

  it('answers a download with the read and the allowance only (the link is signed without a network call)', async () => {
    const call = await completedCall();
    const answer = await send('GET', `/v1/recordings/rec_${call.id}/media`);

    expect([answer.statusCode, counter.read().commands]).toEqual([302, ADMISSION]);
  });

  it('deletes with one read, the allowance, one transaction and the purge entry cleared', async () => {
    const call = await completedCall();
    await send('DELETE', `/v1/recordings/rec_${call.id}`);

    expect(counter.read().commands).toEqual([
      ...ADMISSION,
      'dynamodb:TransactWriteItemsCommand',
      'dynamodb:UpdateItemCommand',
    ]);
  });

  describe('over the allowance', () => {
    // One request a second, no burst, on a clock that stands still: the first request uses it up.
    const policy = { perSecond: 1, burst: 1 };
    const clock = { ...systemClock, now: () => new Date('2026-11-24T10:00:00Z') };
    /** A container of its own (its own limiter) posting a start for `tenant`. */
    const container = (tenant: SeededTenant) => {
      const handler = createRecordingsHandler({
        ...h.deps,
        store: createDynamoDbRecordingStore(counted.documents, h.table),
        allowance: createDynamoDbRequestAllowance(counted.documents, h.table, policy, clock),
      });
      return (call: Call) =>
        handler(
          apiEvent({
            path: `/v1/calls/${call.id}/recordings`,
            headers: { authorization: `Bearer ${tenant.apiKey}` },
          }),
          lambdaContext(),
        );
    };

    it('refuses in another container after the read and one failed conditional write, writing nothing', async () => {
      const tenant = await seedTenant(h.documents, h.table);
      const call = await h.newCall(tenant);
      await container(tenant)(call);
      counter.reset();

      const answer = await container(tenant)(call);

      expect([answer.statusCode, counter.read().commands]).toEqual([429, ADMISSION]);
    });

    it('refuses again in the same container after the read alone', async () => {
      const tenant = await seedTenant(h.documents, h.table);
      const call = await h.newCall(tenant);
      const post = container(tenant);
      await post(call);
      await post(call);
      counter.reset();

      const answer = await post(call);

      expect([answer.statusCode, counter.read().commands]).toEqual([429, ['dynamodb:BatchGetItemCommand']]);
    });
  });
});
