import { beforeAll, describe, expect, it } from 'vitest';
import { AdminError } from '../../../shared/admin/errors.ts';
import type { Call, Recording } from '../../../shared/recordings/types.ts';
import { uniqueSuffix } from '../../support/aws-fixtures.ts';
import {
  STORE_SUBJECTS,
  type StoreSubject,
  seedCallThrough,
  seedTenantThrough,
} from '../../support/store-subjects.ts';

describe.each(STORE_SUBJECTS)('AdminStore on $name', ({ create }) => {
  let s: StoreSubject;
  beforeAll(async () => {
    s = await create();
  });

  /** Fails one start of the call with recording number `seq` (the previous number must be `seq - 1`). */
  async function failStart(call: Call, seq: number): Promise<Recording> {
    const recordingId = seq === 1 ? `rec_${call.id}` : `rec_${call.id}_${seq}`;
    const claim = { callId: call.id, claimId: `clm_${seq}`, recordingId, seq, claimedAt: 1 };
    const recording: Recording = {
      id: recordingId,
      call_id: call.id,
      customer_id: call.customer_id,
      application_id: call.application_id,
      provider_call_id: call.provider_call_id ?? '',
      status: 'failed',
      storage_type: 'local',
      file_url: '',
      duration_seconds: 0,
      size_bytes: 0,
      created_at: '2026-11-24T10:00:00Z',
      updated_at: '2026-11-24T10:00:00Z',
    };
    await s.recordings.claimStart(claim, { previousSeq: seq - 1 });
    await s.recordings.commitStartFailed(claim, recording, {
      event_id: `evt_${seq}${call.id}`,
      event_type: 'recording.failed',
      application_id: call.application_id,
      call_id: call.id,
      created_at: '2026-11-24T10:00:00Z',
      occurred_at: '2026-11-24T10:00:00.000Z',
      body: '{}',
    });
    return recording;
  }

  it('refuses a customer id that exists', async () => {
    const customer = { id: `cust_${uniqueSuffix()}`, name: 'Acme', created_at: '2026-11-24T10:00:00Z' };
    await s.admin.putCustomer(customer);

    await expect(s.admin.putCustomer(customer)).rejects.toBeInstanceOf(AdminError);
  });

  it('refuses an application of a customer that does not exist', async () => {
    await expect(
      s.admin.putApplication({
        id: `app_${uniqueSuffix()}`,
        customer_id: 'cust_missing',
        status: 'active',
        created_at: '2026-11-24T10:00:00Z',
      }),
    ).rejects.toBeInstanceOf(AdminError);
  });

  it("refuses a key whose copied status is not its application's", async () => {
    const { application } = await seedTenantThrough(s.admin);

    await expect(
      s.admin.putApiKey({
        key_hash: 'f'.repeat(64),
        application_id: application.id,
        customer_id: application.customer_id,
        status: 'active',
        application_status: 'disabled',
        created_at: '2026-11-24T10:00:00Z',
        key_prefix: 'mv_test_ffff',
      }),
    ).rejects.toBeInstanceOf(AdminError);
  });

  it('revokes a key, and refuses an unknown one', async () => {
    const { keyHash } = await seedTenantThrough(s.admin);

    await s.admin.revokeApiKey(keyHash);

    expect((await s.recordings.loadAccess(keyHash, undefined)).apiKey?.status).toBe('revoked');
    await expect(s.admin.revokeApiKey('0'.repeat(64))).rejects.toBeInstanceOf(AdminError);
  });

  it('sets a webhook URL and secret, making a gone endpoint active again', async () => {
    const { application } = await seedTenantThrough(s.admin, {
      webhook_url: 'https://old.example.com/hook',
      webhook_status: 'gone',
    });

    await s.admin.setWebhook(application.id, 'https://new.example.com/hook', 'whsec_new');

    expect(await s.admin.getApplication(application.id)).toEqual({
      ...application,
      webhook_url: 'https://new.example.com/hook',
      webhook_secret: 'whsec_new',
      webhook_status: 'active',
    });
  });

  it('refuses a webhook for an unknown application', async () => {
    await expect(
      s.admin.setWebhook('app_missing', 'https://x.example.com', undefined),
    ).rejects.toBeInstanceOf(AdminError);
  });

  it('rotates a webhook secret, keeping the previous one until it expires', async () => {
    const { application } = await seedTenantThrough(s.admin, { webhook_secret: 'kms:Zmlyc3Q=' });

    await s.admin.rotateWebhookSecret(application.id, 'kms:c2Vjb25k', '2026-11-25T10:00:00.000Z');

    expect(await s.admin.getApplication(application.id)).toEqual({
      ...application,
      webhook_secret: 'kms:c2Vjb25k',
      webhook_secret_previous: 'kms:Zmlyc3Q=',
      webhook_secret_previous_expires_at: '2026-11-25T10:00:00.000Z',
    });
  });

  it('rotates again, the current secret replacing the previous one', async () => {
    const { application } = await seedTenantThrough(s.admin, { webhook_secret: 'kms:Zmlyc3Q=' });
    await s.admin.rotateWebhookSecret(application.id, 'kms:c2Vjb25k', '2026-11-25T10:00:00.000Z');

    await s.admin.rotateWebhookSecret(application.id, 'kms:dGhpcmQ=', '2026-11-26T10:00:00.000Z');

    expect(await s.admin.getApplication(application.id)).toEqual({
      ...application,
      webhook_secret: 'kms:dGhpcmQ=',
      webhook_secret_previous: 'kms:c2Vjb25k',
      webhook_secret_previous_expires_at: '2026-11-26T10:00:00.000Z',
    });
  });

  it('refuses to rotate the secret of an application without one, and writes nothing', async () => {
    const { application } = await seedTenantThrough(s.admin, { webhook_url: 'https://x.example.com/hook' });

    await expect(
      s.admin.rotateWebhookSecret(application.id, 'kms:c2Vjb25k', '2026-11-25T10:00:00.000Z'),
    ).rejects.toBeInstanceOf(AdminError);
    expect(await s.admin.getApplication(application.id)).toEqual(application);
  });

  it('refuses to rotate the secret of an unknown application', async () => {
    await expect(
      s.admin.rotateWebhookSecret('app_missing', 'kms:c2Vjb25k', '2026-11-25T10:00:00.000Z'),
    ).rejects.toBeInstanceOf(AdminError);
  });

  it("reads an event's delivery record as the sender wrote it", async () => {
    const event = {
      event_id: `evt_${uniqueSuffix()}`,
      application_id: 'app_1',
      event_type: 'recording.completed',
      call_id: 'call_1',
      occurred_at: '2026-11-24T10:00:00.000Z',
      body: '{"event":"recording.completed"}',
    };
    const attempt = {
      at: '2026-11-24T10:00:00Z',
      status_code: 0,
      latency_ms: 0,
      error: 'the application has no webhook_url',
      outcome: 'parked' as const,
    };
    await s.webhooks.recordAttempt(event, attempt, 'parked', 'no_webhook_url');

    expect(await s.admin.getDelivery(event.event_id)).toEqual({
      ...event,
      status: 'parked',
      parked_reason: 'no_webhook_url',
      attempts: [attempt],
      attempt_count: 1,
      first_attempt_at: attempt.at,
      last_attempt_at: attempt.at,
      last_status_code: 0,
    });
  });

  it('reads no delivery record for an event never attempted', async () => {
    expect(await s.admin.getDelivery(`evt_${uniqueSuffix()}`)).toBeUndefined();
  });

  it("sets an application's retention period", async () => {
    const { application } = await seedTenantThrough(s.admin);

    await s.admin.setRetention(application.id, 30);

    expect(await s.admin.getApplication(application.id)).toEqual({ ...application, retention_days: 30 });
  });

  it('refuses a retention period for an unknown application', async () => {
    await expect(s.admin.setRetention('app_missing', 30)).rejects.toBeInstanceOf(AdminError);
  });

  /** How many keys each page of a status copy updated. */
  async function copyPages(applicationId: string, status: 'active' | 'disabled'): Promise<number[]> {
    const pages: number[] = [];
    for await (const count of s.admin.copyStatusToKeys(applicationId, status)) pages.push(count);
    return pages;
  }

  it("disables an application, then its keys' copies of its status", async () => {
    const { application, keyHash } = await seedTenantThrough(s.admin);

    await s.admin.setApplicationStatus(application.id, 'disabled');
    const pages = await copyPages(application.id, 'disabled');

    expect(pages).toEqual([1]);
    expect((await s.admin.getApplication(application.id))?.status).toBe('disabled');
    expect((await s.recordings.loadAccess(keyHash, undefined)).apiKey?.application_status).toBe('disabled');
  });

  it('copies the status only onto keys that lack it: a second copy finds none', async () => {
    const { application } = await seedTenantThrough(s.admin);
    await s.admin.setApplicationStatus(application.id, 'disabled');
    await copyPages(application.id, 'disabled');

    expect(await copyPages(application.id, 'disabled')).toEqual([]);
  });

  it('refuses to copy a status the application no longer has', async () => {
    const { application, keyHash } = await seedTenantThrough(s.admin);
    await s.admin.setApplicationStatus(application.id, 'active');

    await expect(copyPages(application.id, 'disabled')).rejects.toBeInstanceOf(AdminError);
    expect((await s.recordings.loadAccess(keyHash, undefined)).apiKey?.application_status).toBe('active');
  });

  it('refuses a status change for an unknown application', async () => {
    await expect(s.admin.setApplicationStatus('app_missing', 'disabled')).rejects.toBeInstanceOf(AdminError);
  });

  it('lists every application, page by page, secrets as stored', async () => {
    const { application } = await seedTenantThrough(s.admin, { webhook_secret: 'whsec_listed_plain' });

    const all = [];
    for await (const page of s.admin.listApplications()) all.push(...page);

    expect(all).toContainEqual(application);
  });

  it('replaces a stored plaintext secret with its sealed form', async () => {
    const { application } = await seedTenantThrough(s.admin, { webhook_secret: 'whsec_plain_contract' });

    const done = await s.admin.sealStoredSecrets(application.id, {
      webhook_secret: { plaintext: 'whsec_plain_contract', sealed: 'kms:c2VhbGVk' },
    });

    expect(done).toBe(true);
    expect(await s.admin.getApplication(application.id)).toEqual({
      ...application,
      webhook_secret: 'kms:c2VhbGVk',
    });
  });

  it('replaces nothing when the stored secret is not the plaintext that was read', async () => {
    const { application } = await seedTenantThrough(s.admin, { webhook_secret: 'kms:c2V0IG1lYW53aGlsZQ==' });

    const done = await s.admin.sealStoredSecrets(application.id, {
      webhook_secret: { plaintext: 'whsec_plain_contract', sealed: 'kms:c2VhbGVk' },
    });

    expect(done).toBe(false);
    expect(await s.admin.getApplication(application.id)).toEqual(application);
  });

  it('refuses a call of an unknown application, and a call id that exists', async () => {
    const { application } = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, application);

    await expect(
      s.admin.putCall({ ...call, id: `call_${uniqueSuffix()}`, application_id: 'app_missing' }),
    ).rejects.toBeInstanceOf(AdminError);
    await expect(s.admin.putCall(call)).rejects.toBeInstanceOf(AdminError);
  });

  it('ends an active call once', async () => {
    const { application } = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, application);

    await s.admin.endCall(call.id, 'completed');

    expect(await s.admin.getCall(call.id)).toEqual({ ...call, status: 'completed' });
    await expect(s.admin.endCall(call.id, 'failed')).rejects.toBeInstanceOf(AdminError);
  });

  it("lists a call's recordings in the order they were made", async () => {
    const { application } = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, application);
    const first = await failStart(call, 1);
    const second = await failStart(call, 2);

    expect(await s.admin.listRecordings(call.id)).toEqual([first, second]);
  });
});
