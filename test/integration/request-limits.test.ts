import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { DEFAULT_ALLOWANCE } from '../../shared/accounts/gcra.ts';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { apiEvent, lambdaContext } from '../support/api-events.ts';
import { type SeededTenant, seedTenant } from '../support/aws-fixtures.ts';
import { errorBody, expectedData } from '../support/expectations.ts';
import {
  type ApiAnswer,
  createServiceHarness,
  type ServiceHarness,
  TEST_API_URL,
} from '../support/service-harness.ts';

// Per-application limits through the real handler, against DynamoDB Local and the simulated FreeSWITCH,
// with the spec's default allowance (50 requests/s, bursts of 100) unless a test says otherwise.
let h: ServiceHarness;

beforeAll(async () => {
  h = await createServiceHarness({ allowance: DEFAULT_ALLOWANCE });
});
afterAll(async () => {
  await h.close();
});

/** The whole answer the spec gives a request over its application's allowance. */
const rateLimited = (retryAfter: string) => ({
  statusCode: 429,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': retryAfter },
  body: errorBody('rate_limited', 'too many requests; retry after the number of seconds in Retry-After'),
});

const unauthorized = {
  statusCode: 401,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer' },
  body: errorBody('unauthorized', 'a valid API key is required'),
};

/** A tenant of the test's own with one active call on the simulated FreeSWITCH. */
async function tenantWithCall(): Promise<{ tenant: SeededTenant; call: Call }> {
  const tenant = await seedTenant(h.documents, h.table);
  return { tenant, call: await h.newCall(tenant) };
}

/** A handler over the harness's adapters with an allowance of its own policy (for exact waits). */
function handlerWith(policy: { perSecond: number; burst: number }) {
  const handler = createRecordingsHandler({
    ...h.deps,
    allowance: createDynamoDbRequestAllowance(h.documents, h.table, policy, systemClock),
  });
  /** A start or stop with a key (`null`: no `Authorization` header, or the header given). */
  return async (
    call: Call,
    apiKey: string | null,
    action: 'start' | 'stop' = 'start',
    authorization = apiKey === null ? undefined : `Bearer ${apiKey}`,
  ): Promise<ApiAnswer> => {
    const result = (await handler(
      apiEvent({
        path: `/v1/calls/${call.id}/recordings`,
        headers: authorization === undefined ? {} : { authorization },
        body: JSON.stringify({ action }),
      }),
      lambdaContext(),
    )) as APIGatewayProxyResult;
    // As the harness's requests: X-Request-Id is checked there and left out of the answers compared.
    const { 'X-Request-Id': requestId, ...headers } = result.headers as Record<string, string>;
    expect(requestId).toEqual(expect.any(String));
    return { statusCode: result.statusCode, headers, body: JSON.parse(result.body) };
  };
}

describe('a flood from one application', () => {
  const flood: ApiAnswer[] = [];
  let other: { call: Call; start: ApiAnswer; stop: ApiAnswer };

  beforeAll(async () => {
    const flooder = await tenantWithCall();
    const victim = await tenantWithCall();
    // Waves of 50 concurrent starts until the flooder has been refused a while (the allowance refills
    // at 50/s while it floods); meanwhile the other application starts and stops a recording.
    const flooding = (async () => {
      for (let wave = 0; wave < 40 && flood.filter((a) => a.statusCode === 429).length < 50; wave += 1) {
        flood.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, () => h.post(flooder.call.id, flooder.tenant.apiKey)),
          )),
        );
      }
    })();
    const start = await h.post(victim.call.id, victim.tenant.apiKey, { action: 'start' });
    const stop = await h.post(victim.call.id, victim.tenant.apiKey, { action: 'stop' });
    await flooding;
    other = { call: victim.call, start, stop };
  });

  it('answers the flooding application 429 rate_limited with Retry-After in the JSON envelope', () => {
    const refused = flood.filter((answer) => answer.statusCode === 429);

    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) expect(answer).toEqual(rateLimited('1'));
  });

  it('answers every other request of the flood normally', () => {
    const statuses = new Set(flood.map((answer) => answer.statusCode));

    expect(statuses).toEqual(new Set([200, 429]));
  });

  it('leaves another application’s start and stop answering normally', () => {
    expect([other.start.statusCode, other.start.body, other.stop.statusCode, other.stop.body]).toEqual([
      200,
      expectedData(other.call, 'start', { status: 'started' }),
      200,
      expectedData(other.call, 'stop', {
        status: 'completed',
        file_url: expect.any(String),
        duration_seconds: expect.any(Number),
        size_bytes: expect.any(Number),
      }),
    ]);
  });
});

describe('a flood from anonymous clients', () => {
  const flood: ApiAnswer[] = [];
  let other: { call: Call; start: ApiAnswer; stop: ApiAnswer };

  beforeAll(async () => {
    // An allowance so small (2 at once, then one every 5 s) that a single request of the flood taken
    // from it, or from anything the victim shares, would get the victim's start or stop refused.
    const send = handlerWith({ perSecond: 0.2, burst: 2 });
    const victim = await tenantWithCall();
    // Aimed at the victim's own call: no key, keys that are nobody's, and a malformed header.
    const wave = () =>
      Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          i % 3 === 0
            ? send(victim.call, null, 'stop')
            : i % 3 === 1
              ? send(victim.call, `mv_test_${randomBytes(12).toString('hex')}`, 'stop')
              : send(victim.call, null, 'stop', `Bearer ${victim.tenant.apiKey}!`),
        ),
      );
    flood.push(...(await wave()), ...(await wave()));
    // The victim starts in the middle of the flood and stops once it is over.
    const [start] = await Promise.all([
      send(victim.call, victim.tenant.apiKey, 'start'),
      wave().then((answers) => flood.push(...answers)),
    ]);
    flood.push(...(await wave()), ...(await wave()));
    const stop = await send(victim.call, victim.tenant.apiKey, 'stop');
    other = { call: victim.call, start, stop };
  });

  it('answers every request without a valid key 401 unauthorized in the JSON envelope', () => {
    expect([flood.length, flood.filter((answer) => !isDeepStrictEqual(answer, unauthorized))]).toEqual([
      300,
      [],
    ]);
  });

  it('leaves another application’s start and stop answering normally', () => {
    expect([other.start, other.stop]).toEqual([
      {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        body: expectedData(other.call, 'start', { status: 'started' }),
      },
      {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        body: expectedData(other.call, 'stop', {
          status: 'completed',
          file_url: `${TEST_API_URL}/v1/recordings/rec_${other.call.id}/media`,
          duration_seconds: expect.any(Number),
          size_bytes: expect.any(Number),
        }),
      },
    ]);
  });
});

describe('per-application limits', () => {
  it('admits a burst of 100 requests at once', async () => {
    const { tenant, call } = await tenantWithCall();

    const answers = await Promise.all(Array.from({ length: 100 }, () => h.post(call.id, tenant.apiKey)));

    expect(answers.filter((answer) => answer.statusCode !== 200)).toEqual([]);
  });

  it('answers Retry-After with the whole seconds until a request fits again', async () => {
    // One request every 5 s, no burst: the second request at once waits (almost) 5 s.
    const send = handlerWith({ perSecond: 0.2, burst: 1 });
    const { tenant, call } = await tenantWithCall();
    await send(call, tenant.apiKey);

    expect(await send(call, tenant.apiKey, 'stop')).toEqual(rateLimited('5'));
  });

  it('changes nothing for a refused request: no recording, no event, no media command', async () => {
    const send = handlerWith({ perSecond: 0.2, burst: 1 });
    const { tenant, call } = await tenantWithCall();
    const used = await h.newCall(tenant);
    await send(used, tenant.apiKey);
    const before = await h.stored(call.id);

    const answer = await send(call, tenant.apiKey);

    expect([answer.statusCode, await h.stored(call.id), h.recordingOn(call)]).toEqual([429, before, []]);
  });

  it('answers 401 as soon as the application is disabled, even while its keys still say active', async () => {
    const { tenant, call } = await tenantWithCall();
    await h.post(call.id, tenant.apiKey);
    // The disable's one transaction (application + the allowance's copy), before its keys are updated.
    await createDynamoDbAdminStore(h.documents, h.table).setApplicationStatus(
      tenant.applicationId,
      'disabled',
    );

    const answer = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    expect(answer).toEqual(unauthorized);
  });

  it('never touches an allowance for requests without a valid key', async () => {
    const revoked = await seedTenant(h.documents, h.table, { keyStatus: 'revoked' });
    const call = await h.newCall(revoked);

    const answers = await Promise.all([
      ...Array.from({ length: 150 }, () => h.post(call.id, revoked.apiKey)),
      ...Array.from({ length: 150 }, () => h.post(call.id, undefined)),
    ]);
    const item = await h.documents.send(
      new GetCommand({ TableName: h.table, Key: keys.rate(revoked.applicationId), ConsistentRead: true }),
    );

    expect([new Set(answers.map((answer) => answer.statusCode)), item.Item]).toEqual([
      new Set([401]),
      undefined,
    ]);
  });
});
