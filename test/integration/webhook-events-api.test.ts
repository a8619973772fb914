import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { type SeededTenant, seedTenant } from '../support/aws-fixtures.ts';
import { errorBody } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// The customer's view of its webhooks: GET /v1/webhook-events, one event with its attempts, redelivery
// of one event or of everything parked since a time, and the endpoint's health — over the real
// recordings handler, the table's stream, the outbox relay and the webhook sender.
const SECRET = 'whsec_events_api';
let receiver: WebhookReceiver;
let api: ServiceHarness;
let webhooks: Awaited<ReturnType<typeof createWebhookHarness>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  webhooks = await createWebhookHarness({ maxAttempts: 3 });
  api = await createServiceHarness({ shared: { table: webhooks.table, queueUrl: webhooks.queueUrl } });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});

/** Relays what was committed and lets the sender work until the queue is empty. */
async function deliverAll() {
  for (let round = 0; round < 30; round += 1) {
    await api.outboxRelay.caughtUp();
    if (!(await webhooks.source.pollOnce())) return;
  }
  throw new Error('the webhook queue did not empty');
}

/** A tenant (webhooks to the receiver unless `url` is null: then its events are parked) with one recording started and stopped. */
async function tenantWithEvents(url: string | null = receiver.url) {
  const tenant = await seedTenant(api.documents, api.table, {
    ...(url ? { webhookUrl: url } : {}),
    webhookSecret: SECRET,
  });
  const call = await api.newCall(tenant);
  await api.post(call.id, tenant.apiKey, { action: 'start' });
  await api.post(call.id, tenant.apiKey, { action: 'stop' });
  await deliverAll();
  return { tenant, call };
}

const get = (path: string, tenant: SeededTenant | null) =>
  api.call('GET', path, tenant ? tenant.apiKey : null);
const post = (path: string, tenant: SeededTenant, body?: unknown) =>
  api.request({
    method: 'POST',
    path,
    apiKey: tenant.apiKey,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const listOf = async (tenant: SeededTenant, status: string) =>
  (await get(`/v1/webhook-events?status=${status}`, tenant)).body as {
    data: { id: string; event_type: string; occurred_at: string }[];
    next_cursor: string | null;
  };

describe('GET /v1/webhook-events', () => {
  it("lists the application's delivered events, newest first, with how each went", async () => {
    const { tenant, call } = await tenantWithEvents();

    const answer = await get('/v1/webhook-events?status=delivered', tenant);

    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({
      data: ['recording.completed', 'recording.started'].map((eventType) => ({
        id: expect.stringMatching(/^evt_[a-z0-9]+$/),
        event_type: eventType,
        status: 'delivered',
        occurred_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        call_id: call.id,
        attempt_count: 1,
        last_attempt_at: expect.any(String),
        last_status_code: 200,
        delivered_at: expect.any(String),
        parked_reason: null,
      })),
      next_cursor: null,
    });
  });

  it('lists parked events with why they are parked', async () => {
    const { tenant } = await tenantWithEvents(null);

    const { data } = await listOf(tenant, 'parked');

    expect(
      data.map((e) => [e.event_type, (e as unknown as { parked_reason: string }).parked_reason]),
    ).toEqual([
      ['recording.completed', 'the application has no webhook_url'],
      ['recording.started', 'the application has no webhook_url'],
    ]);
  });

  it('pages through the list with limit and next_cursor', async () => {
    const { tenant } = await tenantWithEvents();

    const first = await get('/v1/webhook-events?status=delivered&limit=1', tenant);
    const second = await get(
      `/v1/webhook-events?status=delivered&limit=1&cursor=${first.body.next_cursor}`,
      tenant,
    );

    expect(first.body.data.map((e: { event_type: string }) => e.event_type)).toEqual(['recording.completed']);
    expect(second.body.data.map((e: { event_type: string }) => e.event_type)).toEqual(['recording.started']);
    expect(second.body.next_cursor).toBeNull();
  });

  it("shows nothing of another application's events", async () => {
    await tenantWithEvents();
    const other = await seedTenant(api.documents, api.table);

    expect(await listOf(other, 'delivered')).toEqual({ data: [], next_cursor: null });
  });

  it.each([
    ['no status', '', 'status must be one of pending, delivered, failing, parked'],
    ['an unknown status', '?status=lost', 'status must be one of pending, delivered, failing, parked'],
    ['a limit of 0', '?status=delivered&limit=0', 'limit must be an integer from 1 to 100'],
    [
      'a cursor it never gave',
      '?status=delivered&cursor=bm90LWEtY3Vyc29y',
      'cursor is not one this list gave',
    ],
    [
      'a cursor that is not even base64url',
      '?status=delivered&cursor=%7B%7D',
      'cursor is not one this list gave',
    ],
  ])('answers 400 invalid_request to %s', async (_name, query, message) => {
    const { tenant } = await tenantWithEvents();

    const answer = await get(`/v1/webhook-events${query}`, tenant);

    expect([answer.statusCode, answer.body]).toEqual([400, errorBody('invalid_request', message)]);
  });

  it("refuses a cursor from another application's listing", async () => {
    const { tenant } = await tenantWithEvents();
    const { tenant: other } = await tenantWithEvents();
    const theirs = await get('/v1/webhook-events?status=delivered&limit=1', other);

    const answer = await get(`/v1/webhook-events?status=delivered&cursor=${theirs.body.next_cursor}`, tenant);

    expect([answer.statusCode, answer.body]).toEqual([
      400,
      errorBody('invalid_request', 'cursor is not one this list gave'),
    ]);
  });

  it('answers 401 without a key', async () => {
    const answer = await get('/v1/webhook-events?status=delivered', null);

    expect([answer.statusCode, answer.body]).toEqual([
      401,
      errorBody('unauthorized', 'a valid API key is required'),
    ]);
  });
});

describe('GET /v1/webhook-events/{event_id}', () => {
  it('shows the event with every attempt and the exact payload delivered', async () => {
    const { tenant, call } = await tenantWithEvents();
    const [completed] = (await listOf(tenant, 'delivered')).data;
    const delivered = receiver.received.find((r) => r.headers['x-minivoice-event-id'] === completed?.id);

    const answer = await get(`/v1/webhook-events/${completed?.id}`, tenant);

    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({
      data: {
        id: completed?.id,
        event_type: 'recording.completed',
        status: 'delivered',
        occurred_at: completed?.occurred_at,
        call_id: call.id,
        attempt_count: 1,
        last_attempt_at: expect.any(String),
        last_status_code: 200,
        delivered_at: expect.any(String),
        parked_reason: null,
        attempts: [
          { at: expect.any(String), status_code: 200, latency_ms: expect.any(Number), outcome: 'delivered' },
        ],
        payload: JSON.parse(delivered?.body ?? 'null'),
      },
    });
  });

  it("answers 404 for another application's event, exactly as for a missing one", async () => {
    const { tenant } = await tenantWithEvents();
    const [theirs] = (await listOf(tenant, 'delivered')).data;
    const other = await seedTenant(api.documents, api.table);

    const answers = [
      await get(`/v1/webhook-events/${theirs?.id}`, other),
      await get('/v1/webhook-events/evt_missing', other),
    ];

    expect(answers.map((a) => [a.statusCode, a.body])).toEqual(
      Array(2).fill([404, errorBody('webhook_event_not_found', 'no webhook event with this id')]),
    );
  });

  it('answers 400 to a malformed event id', async () => {
    const { tenant } = await tenantWithEvents();

    const answer = await get('/v1/webhook-events/EVT-1', tenant);

    expect([answer.statusCode, answer.body]).toEqual([
      400,
      errorBody('invalid_request', 'event id in the path is malformed'),
    ]);
  });
});

describe('POST /v1/webhook-events/{event_id}/redeliver', () => {
  it('queues the event again, exactly as it was, and the sender delivers it again', async () => {
    const { tenant } = await tenantWithEvents();
    const [completed] = (await listOf(tenant, 'delivered')).data;
    const firstBody = receiver.received.find(
      (r) => r.headers['x-minivoice-event-id'] === completed?.id,
    )?.body;

    const answer = await post(`/v1/webhook-events/${completed?.id}/redeliver`, tenant);
    await deliverAll();

    expect([answer.statusCode, answer.body.data.status]).toEqual([202, 'pending']);
    const bodies = receiver.received.filter((r) => r.headers['x-minivoice-event-id'] === completed?.id);
    expect(bodies.map((r) => r.body)).toEqual([firstBody, firstBody]);
    expect((await get(`/v1/webhook-events/${completed?.id}`, tenant)).body.data).toMatchObject({
      status: 'delivered',
      attempt_count: 2,
    });
  });

  it("answers 404 for another application's event and queues nothing", async () => {
    const { tenant } = await tenantWithEvents();
    const [theirs] = (await listOf(tenant, 'delivered')).data;
    const other = await seedTenant(api.documents, api.table);
    const before = receiver.received.length;

    const answer = await post(`/v1/webhook-events/${theirs?.id}/redeliver`, other);
    await deliverAll();

    expect([answer.statusCode, answer.body.error.code, receiver.received.length]).toEqual([
      404,
      'webhook_event_not_found',
      before,
    ]);
  });
});

describe('POST /v1/webhook-events/redeliver', () => {
  it('redelivers every event parked since the given time, once each, and leaves older ones parked', async () => {
    const { tenant } = await tenantWithEvents(null);
    const [completed, started] = (await listOf(tenant, 'parked')).data;
    // The customer fixes its URL without the operator's redrive: the events stay parked until asked.
    await createDynamoDbAdminStore(api.documents, api.table).setWebhook(
      tenant.applicationId,
      receiver.url,
      undefined,
    );

    const answer = await post('/v1/webhook-events/redeliver', tenant, { since: completed?.occurred_at });
    await deliverAll();

    expect([answer.statusCode, answer.body]).toEqual([
      202,
      { data: { since: completed?.occurred_at, status: 'accepted' } },
    ]);
    expect(receiver.received.filter((r) => r.headers['x-minivoice-event-id'] === completed?.id)).toHaveLength(
      1,
    );
    expect((await listOf(tenant, 'parked')).data.map((e) => e.id)).toEqual([started?.id]);
    expect((await listOf(tenant, 'delivered')).data.map((e) => e.id)).toEqual([completed?.id]);
  });

  it.each([
    ['no body', undefined, 'invalid_request', 'request body must be a JSON object with "since"'],
    ['a body that is not JSON', '{', 'invalid_json', 'request body is not valid JSON'],
    ['no since', {}, 'invalid_request', 'since must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z'],
    [
      'a since that is not a time',
      { since: 'yesterday' },
      'invalid_request',
      'since must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z',
    ],
  ])('answers 400 to %s and queues nothing', async (_name, body, code, message) => {
    const { tenant } = await tenantWithEvents(null);

    const answer = await post('/v1/webhook-events/redeliver', tenant, body);
    await deliverAll();

    expect([answer.statusCode, answer.body]).toEqual([400, errorBody(code, message)]);
    expect((await listOf(tenant, 'parked')).data).toHaveLength(2);
  });
});

describe('GET /v1/webhook-endpoint', () => {
  it('shows an endpoint that works', async () => {
    const { tenant } = await tenantWithEvents();

    const answer = await get('/v1/webhook-endpoint', tenant);

    expect([answer.statusCode, answer.body]).toEqual([
      200,
      {
        data: {
          url: receiver.url,
          status: 'active',
          failing_since: null,
          disabled_at: null,
          disabled_reason: null,
          previous_secret_expires_at: null,
        },
      },
    ]);
  });

  it('tells the customer when and why its endpoint was disabled', async () => {
    const { tenant } = await tenantWithEvents();
    const store = createDynamoDbWebhookStore(api.documents, api.table);
    await store.markFailing(tenant.applicationId, receiver.url, '2026-11-19T10:00:00.000Z');
    await store.disableEndpoint(
      tenant.applicationId,
      receiver.url,
      '2026-11-24T10:00:00.000Z',
      'every attempt failed for 5 days (last: HTTP 500)',
    );

    const answer = await get('/v1/webhook-endpoint', tenant);

    expect(answer.body.data).toEqual({
      url: receiver.url,
      status: 'disabled',
      failing_since: '2026-11-19T10:00:00.000Z',
      disabled_at: '2026-11-24T10:00:00.000Z',
      disabled_reason: 'every attempt failed for 5 days (last: HTTP 500)',
      previous_secret_expires_at: null,
    });
  });
});
