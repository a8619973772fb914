import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../../shared/webhooks/ports.ts';
import type { DeliveryAttempt, DeliveryEvent } from '../../../shared/webhooks/types.ts';
import { uniqueSuffix } from '../../support/aws-fixtures.ts';
import { STORE_SUBJECTS, type StoreSubject, seedTenantThrough } from '../../support/store-subjects.ts';

const retry: DeliveryAttempt = {
  at: '2026-11-24T10:00:00Z',
  status_code: 503,
  latency_ms: 12,
  error: 'HTTP 503',
  outcome: 'retry',
};
const delivered: DeliveryAttempt = {
  at: '2026-11-24T10:00:30Z',
  status_code: 200,
  latency_ms: 9,
  outcome: 'delivered',
};
const parked: DeliveryAttempt = {
  at: '2026-11-24T10:00:00Z',
  status_code: 0,
  latency_ms: 0,
  error: 'the application has no webhook_url',
  outcome: 'parked',
};

const URL = 'https://hooks.example.com/minivoice';

/** An event of the application that happened at `occurredAt`. */
const eventOf = (applicationId: string, occurredAt = '2026-11-24T10:00:00.000Z'): DeliveryEvent => {
  const id = `evt_${uniqueSuffix()}`;
  return {
    event_id: id,
    application_id: applicationId,
    event_type: 'recording.completed',
    call_id: 'call_1',
    occurred_at: occurredAt,
    body: `{"id":"${id}"}`,
  };
};

describe.each(STORE_SUBJECTS)('WebhookStore on $name', ({ create }) => {
  let s: StoreSubject;
  beforeAll(async () => {
    s = await create();
  });

  /** A fresh application with an endpoint (every health test gets its own). */
  const endpoint = async () =>
    (
      await seedTenantThrough(s.admin, {
        webhook_url: URL,
        webhook_secret: 'whsec_c',
        webhook_status: 'active',
      })
    ).application;

  it("reads an application's webhook settings", async () => {
    const { application } = await seedTenantThrough(s.admin, {
      webhook_url: URL,
      webhook_secret: 'whsec_contract',
      webhook_status: 'active',
    });

    expect(await s.webhooks.getApplication(application.id)).toEqual(application);
  });

  it('reads a rotation in progress: both secrets and when the previous one expires', async () => {
    const application = await endpoint();

    await s.admin.rotateWebhookSecret(application.id, 'whsec_next', '2026-11-25T10:00:00.000Z');

    expect(await s.webhooks.getApplication(application.id)).toEqual({
      ...application,
      webhook_secret: 'whsec_next',
      webhook_secret_previous: 'whsec_c',
      webhook_secret_previous_expires_at: '2026-11-25T10:00:00.000Z',
    });
  });

  it('reads no application for an unknown id', async () => {
    expect(await s.webhooks.getApplication('app_unknown')).toBeUndefined();
  });

  it('knows nothing of an event before its first attempt', async () => {
    expect(await s.webhooks.getDelivery(`evt_${uniqueSuffix()}`)).toBeUndefined();
  });

  it("keeps an event's body, every attempt and the latest status", async () => {
    const event = eventOf('app_1');

    await s.webhooks.recordAttempt(event, retry, 'failing');
    await s.webhooks.recordAttempt(event, delivered, 'delivered');

    expect(await s.webhooks.getDelivery(event.event_id)).toEqual({
      ...event,
      status: 'delivered',
      attempts: [retry, delivered],
      attempt_count: 2,
      first_attempt_at: retry.at,
      last_attempt_at: delivered.at,
      last_status_code: 200,
      delivered_at: delivered.at,
    });
  });

  it('keeps why an event is parked, until it is queued again', async () => {
    const event = eventOf('app_1');
    await s.webhooks.recordAttempt(event, parked, 'parked', 'no_webhook_url');
    expect(await s.webhooks.getDelivery(event.event_id)).toMatchObject({
      status: 'parked',
      parked_reason: 'no_webhook_url',
    });

    await s.webhooks.markPending([{ ...event, attempt_count: 1 }]);

    const record = await s.webhooks.getDelivery(event.event_id);
    expect(record?.status).toBe('pending');
    expect(record?.parked_reason).toBeUndefined();
  });

  it('marks pending only events that have a record', async () => {
    const event = eventOf('app_1');

    await s.webhooks.markPending([{ ...event, attempt_count: 0 }]);

    expect(await s.webhooks.getDelivery(event.event_id)).toBeUndefined();
  });

  it('leaves an event alone when an attempt was recorded since it was read for a redelivery', async () => {
    const event = eventOf('app_1');
    await s.webhooks.recordAttempt(event, parked, 'parked', 'gone');
    const read = await s.webhooks.getDelivery(event.event_id);
    await s.webhooks.recordAttempt(event, delivered, 'delivered'); // the redelivery, already made

    await s.webhooks.markPending([read as NonNullable<typeof read>]);

    expect((await s.webhooks.getDelivery(event.event_id))?.status).toBe('delivered');
  });

  it("lists an application's deliveries in one status, newest first, a page at a time", async () => {
    const application = await endpoint();
    const [older, middle, newer] = [
      eventOf(application.id, '2026-11-24T10:00:00.100Z'),
      eventOf(application.id, '2026-11-24T10:00:00.200Z'),
      eventOf(application.id, '2026-11-24T10:00:00.300Z'),
    ];
    for (const event of [middle, newer, older])
      await s.webhooks.recordAttempt(event, parked, 'parked', 'gone');
    await s.webhooks.recordAttempt(eventOf(application.id), delivered, 'delivered');
    await s.webhooks.recordAttempt(eventOf('app_other'), parked, 'parked', 'gone');

    const first = await s.webhooks.listDeliveries(application.id, 'parked', { limit: 2 });
    const second = await s.webhooks.listDeliveries(application.id, 'parked', {
      limit: 2,
      cursor: first.cursor,
    });

    expect(first.records.map((r) => r.event_id)).toEqual([newer.event_id, middle.event_id]);
    expect(second.records.map((r) => r.event_id)).toEqual([older.event_id]);
    expect(second.cursor).toBeUndefined();
  });

  it('gives no cursor when a page ends on the last delivery', async () => {
    const application = await endpoint();
    for (const at of ['2026-11-24T10:00:00.100Z', '2026-11-24T10:00:00.200Z']) {
      await s.webhooks.recordAttempt(eventOf(application.id, at), parked, 'parked', 'gone');
    }

    const page = await s.webhooks.listDeliveries(application.id, 'parked', { limit: 2 });

    expect([page.records.length, page.cursor]).toEqual([2, undefined]);
  });

  it('lists only deliveries of events that happened since a time', async () => {
    const application = await endpoint();
    const before = eventOf(application.id, '2026-11-24T09:59:59.999Z');
    const after = eventOf(application.id, '2026-11-24T10:00:00.000Z');
    for (const event of [before, after]) await s.webhooks.recordAttempt(event, parked, 'parked', 'gone');

    const page = await s.webhooks.listDeliveries(application.id, 'parked', {
      limit: 10,
      since: '2026-11-24T10:00:00Z',
    });

    expect(page.records.map((r) => r.event_id)).toEqual([after.event_id]);
  });

  it('moves a delivery between status listings when its status changes', async () => {
    const application = await endpoint();
    const event = eventOf(application.id);
    await s.webhooks.recordAttempt(event, parked, 'parked', 'gone');

    await s.webhooks.markPending([{ ...event, attempt_count: 1 }]);

    expect((await s.webhooks.listDeliveries(application.id, 'parked', { limit: 10 })).records).toEqual([]);
    expect(
      (await s.webhooks.listDeliveries(application.id, 'pending', { limit: 10 })).records.map(
        (r) => r.event_id,
      ),
    ).toEqual([event.event_id]);
  });

  it("refuses a cursor of another application's listing", async () => {
    const application = await endpoint();
    const other = await endpoint();
    for (const at of ['2026-11-24T10:00:00.100Z', '2026-11-24T10:00:00.200Z']) {
      await s.webhooks.recordAttempt(eventOf(other.id, at), parked, 'parked', 'gone');
    }
    const { cursor } = await s.webhooks.listDeliveries(other.id, 'parked', { limit: 1 });

    await expect(
      s.webhooks.listDeliveries(application.id, 'parked', { limit: 1, cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('refuses a cursor it never gave', async () => {
    const application = await endpoint();

    await expect(
      s.webhooks.listDeliveries(application.id, 'parked', { limit: 1, cursor: 'bm90LWEtY3Vyc29y' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('marks an endpoint gone while its URL is the one that answered 410', async () => {
    const application = await endpoint();

    await s.webhooks.markEndpointGone(application.id, URL, '2026-11-24T10:00:00Z');

    expect(await s.webhooks.getApplication(application.id)).toEqual({
      ...application,
      webhook_status: 'gone',
      webhook_disabled_at: '2026-11-24T10:00:00Z',
      webhook_disabled_reason: 'the endpoint answered 410 Gone',
    });
  });

  it('leaves a new URL alone when an old one answered 410', async () => {
    const application = await endpoint();

    await s.webhooks.markEndpointGone(
      application.id,
      'https://hooks.example.com/old',
      '2026-11-24T10:00:00Z',
    );

    expect(await s.webhooks.getApplication(application.id)).toEqual(application);
  });

  it('keeps the time of the first failure of a failing endpoint', async () => {
    const application = await endpoint();

    const first = await s.webhooks.markFailing(application.id, URL, '2026-11-24T10:00:00Z');
    const second = await s.webhooks.markFailing(application.id, URL, '2026-11-24T11:00:00Z');

    expect([first, second]).toEqual(['2026-11-24T10:00:00Z', '2026-11-24T10:00:00Z']);
    expect((await s.webhooks.getApplication(application.id))?.webhook_failing_since).toBe(
      '2026-11-24T10:00:00Z',
    );
  });

  it('starts no failure clock on an endpoint whose URL has changed', async () => {
    const application = await endpoint();

    const since = await s.webhooks.markFailing(
      application.id,
      'https://hooks.example.com/old',
      '2026-11-24T10:00:00Z',
    );

    expect(since).toBe('2026-11-24T10:00:00Z');
    expect(await s.webhooks.getApplication(application.id)).toEqual(application);
  });

  it('answers that a failing endpoint has recovered, once', async () => {
    const application = await endpoint();
    await s.webhooks.markFailing(application.id, URL, '2026-11-24T10:00:00Z');

    const first = await s.webhooks.markRecovered(application.id, URL);
    const second = await s.webhooks.markRecovered(application.id, URL);

    expect([first, second]).toEqual([true, false]);
    expect(await s.webhooks.getApplication(application.id)).toEqual(application);
  });

  it('disables an active endpoint with when and why', async () => {
    const application = await endpoint();

    await s.webhooks.disableEndpoint(application.id, URL, '2026-11-29T10:00:00Z', 'failing for 5 days');

    expect(await s.webhooks.getApplication(application.id)).toEqual({
      ...application,
      webhook_status: 'disabled',
      webhook_disabled_at: '2026-11-29T10:00:00Z',
      webhook_disabled_reason: 'failing for 5 days',
    });
  });

  it('leaves a gone endpoint gone when asked to disable it', async () => {
    const application = await endpoint();
    await s.webhooks.markEndpointGone(application.id, URL, '2026-11-24T10:00:00Z');

    await s.webhooks.disableEndpoint(application.id, URL, '2026-11-29T10:00:00Z', 'failing for 5 days');

    expect((await s.webhooks.getApplication(application.id))?.webhook_status).toBe('gone');
  });

  it('re-activates a disabled endpoint when its webhook is set again', async () => {
    const application = await endpoint();
    await s.webhooks.markFailing(application.id, URL, '2026-11-24T10:00:00Z');
    await s.webhooks.disableEndpoint(application.id, URL, '2026-11-29T10:00:00Z', 'failing for 5 days');

    await s.admin.setWebhook(application.id, URL, undefined);

    expect(await s.webhooks.getApplication(application.id)).toEqual(application);
  });
});
