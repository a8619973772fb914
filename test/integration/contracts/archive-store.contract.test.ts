import { beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../shared/accounts/api-key.ts';
import { RecordingChangedError } from '../../../shared/archive/errors.ts';
import type { StoredRecording } from '../../../shared/archive/types.ts';
import type { Claim } from '../../../shared/recordings/ports.ts';
import type { Call, Recording } from '../../../shared/recordings/types.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import {
  STORE_SUBJECTS,
  type StoreSubject,
  seedCallThrough,
  seedTenantThrough,
} from '../../support/store-subjects.ts';

const DAY = 86_400_000;
const recordingOf = (call: Call, seq: number, status: Recording['status'] = 'started'): Recording => ({
  id: seq === 1 ? `rec_${call.id}` : `rec_${call.id}_${seq}`,
  call_id: call.id,
  customer_id: call.customer_id,
  application_id: call.application_id,
  provider_call_id: call.provider_call_id ?? '',
  status,
  storage_type: 'local',
  file_url: '',
  duration_seconds: 0,
  size_bytes: 0,
  created_at: '2026-11-24T10:00:00Z',
  updated_at: '2026-11-24T10:00:00Z',
});
const eventOf = (
  call: Call,
  id: string,
  type: OutboxEvent['event_type'] = 'recording.started',
): OutboxEvent => ({
  event_id: id,
  event_type: type,
  application_id: call.application_id,
  call_id: call.id,
  created_at: '2026-11-24T10:00:00Z',
  occurred_at: '2026-11-24T10:00:00.000Z',
  body: `{"event":"${type}","id":"${id}"}`,
});

describe.each(STORE_SUBJECTS)('ArchiveStore on $name', ({ create }) => {
  let s: StoreSubject;
  beforeAll(async () => {
    s = await create();
  });

  /** A tenant's call with `count` recordings, each started then completed (purge at `purgeAt`). */
  async function callWithRecordings(count: number, purgeAt?: number) {
    const tenant = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, tenant.application);
    const completed: Recording[] = [];
    for (let seq = 1; seq <= count; seq += 1) {
      const claim: Claim = {
        callId: call.id,
        claimId: `clm_${seq}`,
        recordingId: recordingOf(call, seq).id,
        seq,
        claimedAt: 1000,
      };
      await s.recordings.claimStart(claim, { previousSeq: seq - 1 });
      await s.recordings.commitStarted(
        claim,
        recordingOf(call, seq),
        eventOf(call, `evt_s${seq}_${call.id}`),
      );
      const done: Recording = {
        ...recordingOf(call, seq, 'completed'),
        storage_type: 's3',
        file_url: `https://api.test/v1/recordings/${claim.recordingId}/media`,
        duration_seconds: 3,
        size_bytes: 48_044,
      };
      await s.recordings.commitEnded(claim, {
        recording: done,
        ending: { end_reason: 'stopped' },
        events: [eventOf(call, `evt_c${seq}_${call.id}`, 'recording.completed')],
        ...(purgeAt !== undefined ? { purgeAt: purgeAt + seq } : {}),
      });
      completed.push(done);
    }
    return { ...tenant, call, completed };
  }
  const stored = (recording: Recording, seq: number, purgeAt?: number): StoredRecording => ({
    recording,
    seq,
    ending: { end_reason: 'stopped' },
    purgeAt,
  });

  it('reads the key, the recording and its call in one call', async () => {
    const { keyHash, call, completed } = await callWithRecordings(1);

    const access = await s.archive.loadRecordingAccess(keyHash, {
      recordingId: `rec_${call.id}`,
      callId: call.id,
      seq: 1,
    });

    expect(access).toEqual({
      apiKey: {
        key_hash: keyHash,
        application_id: call.application_id,
        customer_id: call.customer_id,
        status: 'active',
        application_status: 'active',
      },
      stored: stored(completed[0] as Recording, 1, undefined),
      call: { ...call, recording_seq: 1 },
    });
  });

  it('reads a call as its recordings left it', async () => {
    const { call } = await callWithRecordings(2);

    expect(await s.archive.getCall(call.id)).toEqual({ ...call, recording_seq: 2 });
  });

  it('reads a call while one of its recordings is in progress', async () => {
    const { application } = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, application);
    const claim: Claim = {
      callId: call.id,
      claimId: 'clm_1',
      recordingId: `rec_${call.id}`,
      seq: 1,
      claimedAt: 1000,
    };
    await s.recordings.claimStart(claim, { previousSeq: 0 });
    await s.recordings.commitStarted(claim, recordingOf(call, 1), eventOf(call, `evt_s1_${call.id}`));

    expect(await s.archive.getCall(call.id)).toEqual({
      ...call,
      recording_seq: 1,
      active_recording: {
        state: 'started',
        recording_id: `rec_${call.id}`,
        seq: 1,
        claim_id: 'clm_1',
        claimed_at: 1000,
        recording: recordingOf(call, 1),
      },
    });
  });

  it('reads no call for an unknown id', async () => {
    expect(await s.archive.getCall('call_unknown')).toBeUndefined();
  });

  it('reads only the key when no recording is asked for, and nothing for an unknown key', async () => {
    const { keyHash } = await callWithRecordings(0);

    expect((await s.archive.loadRecordingAccess(keyHash, undefined)).stored).toBeUndefined();
    expect(await s.archive.loadCallAccess(hashApiKey('mv_test_nobody'), undefined)).toEqual({
      apiKey: undefined,
      call: undefined,
    });
  });

  it('lists a call’s recordings oldest first, after a number, saying whether more follow', async () => {
    const { call, completed } = await callWithRecordings(3);

    expect(await s.archive.listRecordings(call.id, { afterSeq: 0, limit: 2 })).toEqual({
      recordings: [stored(completed[0] as Recording, 1), stored(completed[1] as Recording, 2)],
      more: true,
    });
    expect(await s.archive.listRecordings(call.id, { afterSeq: 2, limit: 2 })).toEqual({
      recordings: [stored(completed[2] as Recording, 3)],
      more: false,
    });
  });

  it('marks a recording deleted with its event, and lists it as a purge due now', async () => {
    const { call, completed } = await callWithRecordings(1);
    const first = stored(completed[0] as Recording, 1);
    const deleted: Recording = { ...(completed[0] as Recording), status: 'deleted', file_url: '' };

    await s.archive.commitDeleted(
      first,
      deleted,
      eventOf(call, `evt_d_${call.id}`, 'recording.deleted'),
      5000,
    );

    expect(await s.archive.getRecording({ recordingId: deleted.id, callId: call.id, seq: 1 })).toEqual({
      ...first,
      recording: deleted,
      purgeAt: 5000,
    });
    expect((await s.archive.duePurges(5000, 100)).map((p) => p.recording.id)).toContain(deleted.id);
  });

  it('refuses a deletion when the recording changed since it was read', async () => {
    const { call, completed } = await callWithRecordings(1);
    const read = stored({ ...(completed[0] as Recording), status: 'started' }, 1);

    await expect(
      s.archive.commitDeleted(
        read,
        { ...read.recording, status: 'deleted' },
        eventOf(call, `evt_x_${call.id}`),
        1,
      ),
    ).rejects.toBeInstanceOf(RecordingChangedError);
  });

  it('takes a deleted recording off the purge list, and refuses to for one that is not deleted', async () => {
    const { call, completed } = await callWithRecordings(2);
    const deleted: Recording = { ...(completed[0] as Recording), status: 'deleted', file_url: '' };
    await s.archive.commitDeleted(
      stored(completed[0] as Recording, 1),
      deleted,
      eventOf(call, `evt_d_${call.id}`, 'recording.deleted'),
      7000,
    );

    await s.archive.finishPurge({ recordingId: deleted.id, callId: call.id, seq: 1 });

    expect(
      (await s.archive.getRecording({ recordingId: deleted.id, callId: call.id, seq: 1 }))?.purgeAt,
    ).toBe(undefined);
    await expect(
      s.archive.finishPurge({ recordingId: `rec_${call.id}_2`, callId: call.id, seq: 2 }),
    ).rejects.toBeInstanceOf(RecordingChangedError);
  });

  it('lists purges due by a time, earliest first, and none that are later', async () => {
    const base = Date.UTC(2030, 0, 1) + Math.floor(Math.random() * DAY);
    const { call } = await callWithRecordings(2, base);

    const due = (await s.archive.duePurges(base + 1, 100)).filter((p) => p.recording.call_id === call.id);
    const both = (await s.archive.duePurges(base + 2, 100)).filter((p) => p.recording.call_id === call.id);

    expect(due.map((p) => [p.recording.id, p.purgeAt])).toEqual([[`rec_${call.id}`, base + 1]]);
    expect(both.map((p) => p.recording.id)).toEqual([`rec_${call.id}`, `rec_${call.id}_2`]);
  });

  it('postpones a due purge, and refuses to when the recording changed since it was read', async () => {
    const base = Date.UTC(2031, 0, 1) + Math.floor(Math.random() * DAY);
    const { call } = await callWithRecordings(1, base);
    const [due] = (await s.archive.duePurges(base + 1, 100)).filter((p) => p.recording.call_id === call.id);
    if (!due) throw new Error('not due');

    await s.archive.postponePurge(due, base + DAY);

    expect((await s.archive.duePurges(base + 1, 100)).some((p) => p.recording.call_id === call.id)).toBe(
      false,
    );
    expect(
      (await s.archive.getRecording({ recordingId: due.recording.id, callId: call.id, seq: 1 }))?.purgeAt,
    ).toBe(base + DAY);
    await expect(s.archive.postponePurge(due, base + 2 * DAY)).rejects.toBeInstanceOf(RecordingChangedError);
  });

  it('answers an application’s retention, 90 days when it never set one', async () => {
    const { application } = await seedTenantThrough(s.admin);
    const before = await s.archive.retentionDays(application.id);
    await s.admin.setRetention(application.id, 7);

    expect([before, await s.archive.retentionDays(application.id)]).toEqual([90, 7]);
  });
});
