import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import {
  createApiKey,
  createApplication,
  createCall,
  createCustomer,
  endCall,
  revokeApiKey,
  rotateWebhookSecret,
  setApplicationStatus,
  setRetention,
} from '../../shared/admin/admin-commands.ts';
import { AdminError } from '../../shared/admin/errors.ts';
import { errorBody } from '../support/expectations.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';
import { createTestSealer } from '../support/kms.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

let h: ServiceHarness;
let deps: Parameters<typeof createApplication>[1];
const sealer = createTestSealer();

beforeAll(async () => {
  h = await createServiceHarness({ provider: createScriptedProvider().provider });
  deps = {
    store: createDynamoDbAdminStore(h.documents, h.table),
    clock: systemClock,
    ids: randomIds,
    sealer,
  };
});

afterAll(async () => {
  await h.close();
});

async function tenant() {
  const customer = await createCustomer({ name: 'Acme' }, deps);
  const application = await createApplication({ customerId: customer.id }, deps);
  const key = await createApiKey({ applicationId: application.id, mode: 'live' }, deps);
  const call = await createCall({ applicationId: application.id, providerCallId: 'chan-1' }, deps);
  return { customer, application, key: key.api_key, call };
}

describe('admin commands against the service', () => {
  it('creates a tenant whose key starts a recording on its call', async () => {
    const t = await tenant();
    expect((await h.post(t.call.id, t.key, { action: 'start' })).statusCode).toBe(200);
  });

  it('revokes a key so that it fails at once', async () => {
    const t = await tenant();
    await revokeApiKey({ key: t.key }, deps);
    expect((await h.post(t.call.id, t.key, {})).body).toEqual(
      errorBody('unauthorized', 'a valid API key is required'),
    );
  });

  it('disables an application and every one of its keys in one step', async () => {
    const t = await tenant();
    const second = await createApiKey({ applicationId: t.application.id, mode: 'test' }, deps);
    await setApplicationStatus({ applicationId: t.application.id, status: 'disabled' }, deps);

    const answers = await Promise.all([h.post(t.call.id, t.key, {}), h.post(t.call.id, second.api_key, {})]);
    expect(answers.map((a) => a.statusCode)).toEqual([401, 401]);
  });

  it('enables it again', async () => {
    const t = await tenant();
    await setApplicationStatus({ applicationId: t.application.id, status: 'disabled' }, deps);
    await setApplicationStatus({ applicationId: t.application.id, status: 'active' }, deps);
    expect((await h.post(t.call.id, t.key, {})).statusCode).toBe(200);
  });

  it('refuses a key for a disabled application', async () => {
    const t = await tenant();
    await setApplicationStatus({ applicationId: t.application.id, status: 'disabled' }, deps);
    const key = await createApiKey({ applicationId: t.application.id, mode: 'test' }, deps);
    expect((await h.post(t.call.id, key.api_key, {})).statusCode).toBe(401);
  });

  it('creates a call without a channel, which answers 409', async () => {
    const t = await tenant();
    const bare = await createCall({ applicationId: t.application.id }, deps);
    expect((await h.post(bare.id, t.key, {})).body).toEqual(
      errorBody('call_uuid_missing', 'the call has no media-server channel yet'),
    );
  });

  it('ends a call, which then answers 404', async () => {
    const t = await tenant();
    await endCall({ callId: t.call.id }, deps);
    expect((await h.post(t.call.id, t.key, {})).body).toEqual(
      errorBody('active_call_not_found', 'no active call with this id'),
    );
  });

  it("sets an application's retention, which its next completed recording is purged by", async () => {
    const t = await tenant();

    expect(await setRetention({ applicationId: t.application.id, days: 30 }, deps)).toEqual({
      application_id: t.application.id,
      retention_days: 30,
    });
    expect(await h.archive.retentionDays(t.application.id)).toBe(30);
  });

  it.each([-1, 1.5, 3651, Number.NaN])('refuses a retention of %s days', async (days) => {
    const t = await tenant();

    await expect(setRetention({ applicationId: t.application.id, days }, deps)).rejects.toThrow(
      new AdminError('--days must be a whole number from 0 (keep forever) to 3650'),
    );
  });

  it('refuses a retention for an unknown application', async () => {
    await expect(setRetention({ applicationId: 'app_missing', days: 7 }, deps)).rejects.toBeInstanceOf(
      AdminError,
    );
  });

  it('refuses to end a call twice', async () => {
    const t = await tenant();
    await endCall({ callId: t.call.id, status: 'no_answer' }, deps);
    await expect(endCall({ callId: t.call.id }, deps)).rejects.toThrow(
      new AdminError(`no active call ${t.call.id}`),
    );
  });

  it('lists a call recordings in order', async () => {
    const t = await tenant();
    await h.post(t.call.id, t.key, { action: 'start' });
    await h.post(t.call.id, t.key, { action: 'stop' });
    await h.post(t.call.id, t.key, { action: 'start' });

    expect((await deps.store.listRecordings(t.call.id)).map((r) => [r.id, r.status])).toEqual([
      [`rec_${t.call.id}`, 'completed'],
      [`rec_${t.call.id}_2`, 'started'],
    ]);
  });

  it("shows an event's delivery record to an operator", async () => {
    const webhooks = createDynamoDbWebhookStore(h.documents, h.table);
    const event = {
      event_id: 'evt_ops1',
      application_id: 'app_1',
      event_type: 'recording.completed',
      call_id: 'call_1',
      occurred_at: '2026-11-24T09:59:59.500Z',
      body: '{"event":"recording.completed"}',
    };
    await webhooks.recordAttempt(
      event,
      { at: '2026-11-24T10:00:00Z', status_code: 503, latency_ms: 12, error: 'HTTP 503', outcome: 'retry' },
      'failing',
    );
    await webhooks.recordAttempt(
      event,
      { at: '2026-11-24T10:00:30Z', status_code: 200, latency_ms: 9, outcome: 'delivered' },
      'delivered',
    );

    expect(await deps.store.getDelivery('evt_ops1')).toEqual({
      ...event,
      status: 'delivered',
      attempt_count: 2,
      first_attempt_at: '2026-11-24T10:00:00Z',
      last_attempt_at: '2026-11-24T10:00:30Z',
      last_status_code: 200,
      delivered_at: '2026-11-24T10:00:30Z',
      attempts: [
        { at: '2026-11-24T10:00:00Z', status_code: 503, latency_ms: 12, error: 'HTTP 503', outcome: 'retry' },
        { at: '2026-11-24T10:00:30Z', status_code: 200, latency_ms: 9, outcome: 'delivered' },
      ],
    });
  });

  it('rotates a webhook secret, keeping the previous one in force for the hours asked', async () => {
    const t = await tenant();
    const old = await sealer.seal('whsec_old_0123456789', t.application.id);
    await deps.store.setWebhook(t.application.id, 'https://hooks.example.com/a', old);

    const rotated = await rotateWebhookSecret(
      { applicationId: t.application.id, keepPreviousHours: 24 },
      deps,
    );

    expect(rotated).toEqual({
      application_id: t.application.id,
      webhook_secret: expect.stringMatching(/^whsec_[0-9a-f]{48}$/),
      previous_secret_expires_at: expect.any(String),
    });
    expect(Date.parse(rotated.previous_secret_expires_at) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const stored = await deps.store.getApplication(t.application.id);
    expect(stored).toMatchObject({
      webhook_secret: expect.stringMatching(/^kms:/),
      webhook_secret_previous: old,
      webhook_secret_previous_expires_at: rotated.previous_secret_expires_at,
    });
    expect(await sealer.open(stored?.webhook_secret ?? '', t.application.id)).toBe(rotated.webhook_secret);
  });

  it('refuses a rotation window outside 1 to 168 hours', async () => {
    const t = await tenant();
    await deps.store.setWebhook(t.application.id, 'https://hooks.example.com/a', 'kms:b2xk');

    await expect(
      rotateWebhookSecret({ applicationId: t.application.id, keepPreviousHours: 169 }, deps),
    ).rejects.toThrow(new AdminError('--keep-previous-hours must be a whole number from 1 to 168'));
  });

  it('refuses to rotate the secret of an application that has none', async () => {
    const t = await tenant();

    await expect(
      rotateWebhookSecret({ applicationId: t.application.id, keepPreviousHours: 24 }, deps),
    ).rejects.toThrow(new AdminError(`no application ${t.application.id} with a webhook secret to rotate`));
  });

  it('ends a rotation at once when a secret is set outright (a leaked secret stops signing)', async () => {
    const t = await tenant();
    await deps.store.setWebhook(t.application.id, 'https://hooks.example.com/a', 'kms:b2xk');
    await rotateWebhookSecret({ applicationId: t.application.id, keepPreviousHours: 24 }, deps);

    await deps.store.setWebhook(t.application.id, 'https://hooks.example.com/a', 'kms:ZnJlc2g=');

    const application = await deps.store.getApplication(t.application.id);
    expect([application?.webhook_secret, application?.webhook_secret_previous]).toEqual([
      'kms:ZnJlc2g=',
      undefined,
    ]);
  });

  it('sets a new webhook URL and clears a gone endpoint', async () => {
    const t = await tenant();
    await deps.store.setWebhook(t.application.id, 'https://old.example.com/hook', undefined);
    await createDynamoDbWebhookStore(h.documents, h.table).markEndpointGone(
      t.application.id,
      'https://old.example.com/hook',
      '2026-11-24T10:00:00Z',
    );
    await deps.store.setWebhook(t.application.id, 'https://new.example.com/hook', 'kms:bmV3');

    expect(await deps.store.getApplication(t.application.id)).toEqual({
      id: t.application.id,
      customer_id: t.customer.id,
      status: 'active',
      webhook_url: 'https://new.example.com/hook',
      webhook_secret: 'kms:bmV3',
      webhook_status: 'active',
    });
  });
});
