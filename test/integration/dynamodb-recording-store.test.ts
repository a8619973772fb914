import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import type { Call, Recording } from '../../shared/domain/types.ts';
import { ClaimLostError } from '../../shared/errors.ts';
import type { Claim } from '../../shared/ports.ts';
import { createTestClients, createTestTable, seedCall, seedTenant } from '../support/aws-fixtures.ts';

const { documents } = createTestClients();
let table: string;
let store: ReturnType<typeof createDynamoDbRecordingStore>;

beforeAll(async () => {
  table = await createTestTable(documents);
  store = createDynamoDbRecordingStore(documents, table);
});

const claimFor = (call: Call, claimId: string, claimedAt: number): Claim => ({
  callId: call.id,
  claimId,
  recordingId: `rec_${call.id}`,
  seq: 1,
  claimedAt,
});
const recordingOf = (call: Call): Recording => ({
  id: `rec_${call.id}`,
  call_id: call.id,
  customer_id: call.customer_id,
  application_id: call.application_id,
  provider_call_id: call.provider_call_id ?? '',
  status: 'started',
  storage_type: 'local',
  file_url: '',
  duration_seconds: 0,
  size_bytes: 0,
  created_at: '2026-11-24T10:00:00Z',
  updated_at: '2026-11-24T10:00:00Z',
});

describe('createDynamoDbRecordingStore', () => {
  it('refuses a second fresh claim and returns the call as it now is', async () => {
    const call = await seedCall(documents, table, await seedTenant(documents, table));
    await store.claimStart(claimFor(call, 'clm_a', 1000), { previousSeq: 0 });
    const second = await store.claimStart(claimFor(call, 'clm_b', 1001), { previousSeq: 0 });

    expect(second).toEqual({
      ok: false,
      call: expect.objectContaining({
        active_recording: expect.objectContaining({ claim_id: 'clm_a', state: 'starting' }),
      }),
    });
  });

  it('refuses to take over a claim that is not stale yet', async () => {
    const call = await seedCall(documents, table, await seedTenant(documents, table));
    await store.claimStart(claimFor(call, 'clm_a', 5000), { previousSeq: 0 });
    const early = await store.claimStart(claimFor(call, 'clm_b', 5001), {
      staleClaimId: 'clm_a',
      staleBefore: 5000,
    });

    expect(early.ok).toBe(false);
  });

  it('fails the commit of a claim that was taken over with 503 call_busy', async () => {
    const call = await seedCall(documents, table, await seedTenant(documents, table));
    const first = claimFor(call, 'clm_a', 1000);
    await store.claimStart(first, { previousSeq: 0 });
    await store.claimStart(claimFor(call, 'clm_b', 20_000), { staleClaimId: 'clm_a', staleBefore: 10_001 });
    const event = {
      event_id: 'evt_1',
      event_type: 'recording.started' as const,
      application_id: call.application_id,
      call_id: call.id,
      created_at: '2026-11-24T10:00:00Z',
      body: '{}',
    };

    await expect(store.commitStarted(first, recordingOf(call), event)).rejects.toBeInstanceOf(ClaimLostError);
    expect((await store.getCall(call.id))?.active_recording).toMatchObject({
      claim_id: 'clm_b',
      state: 'starting',
    });
  });

  it('lists pending outbox events oldest first, only those created before the bound', async () => {
    const call = await seedCall(documents, table, await seedTenant(documents, table));
    const claim = claimFor(call, 'clm_a', 1000);
    await store.claimStart(claim, { previousSeq: 0 });
    const event = (id: string, at: string) => ({
      event_id: id,
      event_type: 'recording.started' as const,
      application_id: call.application_id,
      call_id: call.id,
      created_at: at,
      body: '{}',
    });
    await store.commitStarted(claim, recordingOf(call), event('evt_late', '2030-01-01T00:00:02Z'));
    const pending = await store.listPendingEvents(new Date('2030-01-01T00:00:03Z'), 100);

    expect(pending.filter((e) => e.call_id === call.id).map((e) => e.event_id)).toEqual(['evt_late']);
    expect(await store.listPendingEvents(new Date('2030-01-01T00:00:02Z'), 100)).not.toContainEqual(
      expect.objectContaining({ event_id: 'evt_late' }),
    );
  });
});
