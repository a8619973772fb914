import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryAttempt } from '../../../shared/webhooks/types.ts';
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

describe.each(STORE_SUBJECTS)('WebhookStore on $name', ({ create }) => {
  let s: StoreSubject;
  beforeAll(async () => {
    s = await create();
  });

  it("reads an application's webhook settings", async () => {
    const { application } = await seedTenantThrough(s.admin, {
      webhook_url: 'https://hooks.example.com/minivoice',
      webhook_secret: 'whsec_contract',
      webhook_status: 'active',
    });

    expect(await s.webhooks.getApplication(application.id)).toEqual(application);
  });

  it('reads no application for an unknown id', async () => {
    expect(await s.webhooks.getApplication('app_unknown')).toBeUndefined();
  });

  it('knows nothing of an event before its first attempt', async () => {
    expect(await s.webhooks.getDelivery(`evt_${uniqueSuffix()}`)).toBeUndefined();
  });

  it("sums up an event's attempts and keeps the latest status", async () => {
    const eventId = `evt_${uniqueSuffix()}`;
    const details = { application_id: 'app_1', event_type: 'recording.completed' };

    await s.webhooks.recordAttempt(eventId, details, retry, 'pending');
    await s.webhooks.recordAttempt(eventId, details, delivered, 'delivered');

    expect(await s.webhooks.getDelivery(eventId)).toEqual({ status: 'delivered', attempts: 2 });
    expect(await s.admin.getDelivery(eventId)).toEqual({
      event_id: eventId,
      application_id: 'app_1',
      event_type: 'recording.completed',
      status: 'delivered',
      attempts: [retry, delivered],
      attempt_count: 2,
      first_attempt_at: retry.at,
      last_attempt_at: delivered.at,
      last_status_code: 200,
      delivered_at: delivered.at,
    });
  });

  it('marks an endpoint gone while its URL is the one that answered 410', async () => {
    const { application } = await seedTenantThrough(s.admin, {
      webhook_url: 'https://hooks.example.com/old',
      webhook_status: 'active',
    });

    await s.webhooks.markEndpointGone(
      application.id,
      'https://hooks.example.com/old',
      '2026-11-24T10:00:00Z',
    );

    expect((await s.webhooks.getApplication(application.id))?.webhook_status).toBe('gone');
  });

  it('leaves a new URL alone when an old one answered 410', async () => {
    const { application } = await seedTenantThrough(s.admin, {
      webhook_url: 'https://hooks.example.com/new',
      webhook_status: 'active',
    });

    await s.webhooks.markEndpointGone(
      application.id,
      'https://hooks.example.com/old',
      '2026-11-24T10:00:00Z',
    );

    expect((await s.webhooks.getApplication(application.id))?.webhook_status).toBe('active');
  });
});
