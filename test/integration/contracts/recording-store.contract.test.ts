import { beforeAll, describe, expect, it } from 'vitest';
import { ClaimLostError } from '../../../shared/recordings/errors.ts';
import type { Claim } from '../../../shared/recordings/ports.ts';
import type { Call, Recording } from '../../../shared/recordings/types.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import {
  STORE_SUBJECTS,
  type StoreSubject,
  seedCallThrough,
  seedTenantThrough,
} from '../../support/store-subjects.ts';

const claimFor = (call: Call, claimId: string, claimedAt: number, seq = 1): Claim => ({
  callId: call.id,
  claimId,
  recordingId: seq === 1 ? `rec_${call.id}` : `rec_${call.id}_${seq}`,
  seq,
  claimedAt,
});
const recordingOf = (call: Call, status: Recording['status'] = 'started'): Recording => ({
  id: `rec_${call.id}`,
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
const eventOf = (call: Call, id: string, at = '2026-11-24T10:00:00Z'): OutboxEvent => ({
  event_id: id,
  event_type: 'recording.started',
  application_id: call.application_id,
  call_id: call.id,
  created_at: at,
  occurred_at: at.replace('Z', '.250Z'),
  body: `{"event":"recording.started","id":"${id}"}`,
});

describe.each(STORE_SUBJECTS)('RecordingStore on $name', ({ create }) => {
  let s: StoreSubject;
  beforeAll(async () => {
    s = await create();
  });
  const newCall = async (overrides: Partial<Call> = {}) => {
    const { application } = await seedTenantThrough(s.admin);
    return seedCallThrough(s.admin, application, overrides);
  };
  /** A call whose first recording is committed `started` under claim `clm_a`. */
  const startedCall = async () => {
    const call = await newCall();
    const claim = claimFor(call, 'clm_a', 1000);
    await s.recordings.claimStart(claim, { previousSeq: 0 });
    await s.recordings.commitStarted(claim, recordingOf(call), eventOf(call, `evt_${call.id}`));
    return { call, claim };
  };

  it('reads the key and the call together', async () => {
    const { keyHash, application } = await seedTenantThrough(s.admin);
    const call = await seedCallThrough(s.admin, application);

    expect(await s.recordings.loadAccess(keyHash, call.id)).toEqual({
      apiKey: {
        key_hash: keyHash,
        application_id: application.id,
        customer_id: application.customer_id,
        status: 'active',
        application_status: 'active',
      },
      call,
    });
  });

  it('reads nothing for an unknown key and call', async () => {
    expect(await s.recordings.loadAccess('0'.repeat(64), 'call_unknown1')).toEqual({
      apiKey: undefined,
      call: undefined,
    });
  });

  it('reads only the key when no call id is given', async () => {
    const { keyHash } = await seedTenantThrough(s.admin);

    expect((await s.recordings.loadAccess(keyHash, undefined)).call).toBeUndefined();
  });

  it('claims a free slot, allocating the next recording number', async () => {
    const call = await newCall();

    const result = await s.recordings.claimStart(claimFor(call, 'clm_a', 1000), { previousSeq: 0 });

    expect(result).toEqual({
      ok: true,
      call: {
        ...call,
        recording_seq: 1,
        active_recording: {
          state: 'starting',
          recording_id: `rec_${call.id}`,
          seq: 1,
          claim_id: 'clm_a',
          claimed_at: 1000,
        },
      },
    });
  });

  it('refuses a second fresh claim and returns the call as it now is', async () => {
    const call = await newCall();
    await s.recordings.claimStart(claimFor(call, 'clm_a', 1000), { previousSeq: 0 });
    const second = await s.recordings.claimStart(claimFor(call, 'clm_b', 1001), { previousSeq: 0 });

    expect(second).toEqual({
      ok: false,
      call: expect.objectContaining({
        active_recording: expect.objectContaining({ claim_id: 'clm_a', state: 'starting' }),
      }),
    });
  });

  it('refuses a claim whose previous recording number is out of date', async () => {
    const call = await newCall({ recording_seq: 2 });

    expect((await s.recordings.claimStart(claimFor(call, 'clm_a', 1000), { previousSeq: 1 })).ok).toBe(false);
  });

  it('refuses to claim a call that has ended or has no channel', async () => {
    const ended = await newCall({ status: 'completed' });
    const channelless = await newCall({ provider_call_id: undefined });

    expect((await s.recordings.claimStart(claimFor(ended, 'clm_a', 1000), { previousSeq: 0 })).ok).toBe(
      false,
    );
    expect((await s.recordings.claimStart(claimFor(channelless, 'clm_a', 1000), { previousSeq: 0 })).ok).toBe(
      false,
    );
  });

  it('refuses to take over a claim that is not stale yet', async () => {
    const call = await newCall();
    await s.recordings.claimStart(claimFor(call, 'clm_a', 5000), { previousSeq: 0 });
    const early = await s.recordings.claimStart(claimFor(call, 'clm_b', 5001), {
      staleClaimId: 'clm_a',
      staleBefore: 5000,
    });

    expect(early.ok).toBe(false);
  });

  it('takes over a stale start claim, keeping its recording number', async () => {
    const call = await newCall();
    await s.recordings.claimStart(claimFor(call, 'clm_a', 1000), { previousSeq: 0 });

    const taken = await s.recordings.claimStart(claimFor(call, 'clm_b', 20_000), {
      staleClaimId: 'clm_a',
      staleBefore: 10_001,
    });

    expect(taken).toEqual({
      ok: true,
      call: expect.objectContaining({
        recording_seq: 1,
        active_recording: expect.objectContaining({
          claim_id: 'clm_b',
          state: 'starting',
          claimed_at: 20_000,
        }),
      }),
    });
  });

  it('fails the commit of a claim that was taken over with 503 call_busy', async () => {
    const call = await newCall();
    const first = claimFor(call, 'clm_a', 1000);
    await s.recordings.claimStart(first, { previousSeq: 0 });
    await s.recordings.claimStart(claimFor(call, 'clm_b', 20_000), {
      staleClaimId: 'clm_a',
      staleBefore: 10_001,
    });

    await expect(
      s.recordings.commitStarted(first, recordingOf(call), eventOf(call, `evt_${call.id}`)),
    ).rejects.toBeInstanceOf(ClaimLostError);
    expect((await s.recordings.getCall(call.id))?.active_recording).toMatchObject({
      claim_id: 'clm_b',
      state: 'starting',
    });
  });

  it('commits a start: the call shows the started recording, which is stored, with its event', async () => {
    const { call } = await startedCall();

    expect((await s.recordings.getCall(call.id))?.active_recording).toEqual({
      state: 'started',
      recording_id: `rec_${call.id}`,
      seq: 1,
      claim_id: 'clm_a',
      claimed_at: 1000,
      recording: recordingOf(call),
    });
    expect(await s.admin.listRecordings(call.id)).toEqual([recordingOf(call)]);
    expect(await s.events.ofCall(call.id)).toEqual([eventOf(call, `evt_${call.id}`)]);
  });

  it('commits a failed start, freeing the slot', async () => {
    const call = await newCall();
    const claim = claimFor(call, 'clm_a', 1000);
    await s.recordings.claimStart(claim, { previousSeq: 0 });

    await s.recordings.commitStartFailed(
      claim,
      recordingOf(call, 'failed'),
      eventOf(call, `evt_f${call.id}`),
    );

    expect(await s.recordings.getCall(call.id)).toEqual({ ...call, recording_seq: 1 });
    expect(await s.admin.listRecordings(call.id)).toEqual([recordingOf(call, 'failed')]);
  });

  it('claims a started recording for a stop', async () => {
    const { call } = await startedCall();

    const result = await s.recordings.claimStop(claimFor(call, 'clm_s', 2000), {
      claimId: 'clm_a',
      staleBefore: 1,
    });

    expect(result).toEqual({
      ok: true,
      call: expect.objectContaining({
        active_recording: expect.objectContaining({ state: 'stopping', claim_id: 'clm_s', claimed_at: 2000 }),
      }),
    });
  });

  it('refuses a stop claim on a recording that is only starting', async () => {
    const call = await newCall();
    await s.recordings.claimStart(claimFor(call, 'clm_a', 1000), { previousSeq: 0 });

    expect(
      (await s.recordings.claimStop(claimFor(call, 'clm_s', 2000), { claimId: 'clm_a', staleBefore: 1 })).ok,
    ).toBe(false);
  });

  it('takes over a stale stop claim, and only a stale one', async () => {
    const { call } = await startedCall();
    await s.recordings.claimStop(claimFor(call, 'clm_s', 2000), { claimId: 'clm_a', staleBefore: 1 });

    const early = await s.recordings.claimStop(claimFor(call, 'clm_t', 3000), {
      claimId: 'clm_s',
      staleBefore: 2000,
    });
    const late = await s.recordings.claimStop(claimFor(call, 'clm_t', 30_000), {
      claimId: 'clm_s',
      staleBefore: 20_001,
    });

    expect([early.ok, late.ok]).toEqual([false, true]);
  });

  it('commits a completed recording, freeing the slot', async () => {
    const { call } = await startedCall();
    const stop = claimFor(call, 'clm_s', 2000);
    await s.recordings.claimStop(stop, { claimId: 'clm_a', staleBefore: 1 });
    const completed = { ...recordingOf(call, 'completed'), file_url: 'https://m/x.wav', size_bytes: 44 };

    await s.recordings.commitEnded(stop, {
      recording: completed,
      ending: { end_reason: 'stopped' },
      events: [eventOf(call, `evt_c${call.id}`)],
    });

    expect(await s.recordings.getCall(call.id)).toEqual({ ...call, recording_seq: 1 });
    expect(await s.admin.listRecordings(call.id)).toEqual([completed]);
    expect(await s.recordings.getRecording(call.id, 1)).toEqual(completed);
  });

  it('ends a recording and its call together when the channel hung up', async () => {
    const { call, claim } = await startedCall();
    const completed = recordingOf(call, 'completed');

    await s.recordings.commitEnded(claim, {
      recording: completed,
      ending: { end_reason: 'hangup' },
      events: [eventOf(call, `evt_h${call.id}`)],
      endCall: 'completed',
    });

    expect(await s.recordings.getCall(call.id)).toEqual({ ...call, recording_seq: 1, status: 'completed' });
  });

  it('adopts and ends in one commit a start that was never committed, with both events', async () => {
    const call = await newCall();
    const claim = claimFor(call, 'clm_dead', 1000);
    await s.recordings.claimStart(claim, { previousSeq: 0 });
    const events = [
      eventOf(call, `evt_s${call.id}`),
      eventOf(call, `evt_e${call.id}`, '2026-11-24T10:00:01Z'),
    ];

    await s.recordings.commitEnded(claim, {
      recording: recordingOf(call, 'completed'),
      ending: { end_reason: 'media_server' },
      events,
      adoptsStart: true,
    });

    expect(await s.admin.listRecordings(call.id)).toEqual([recordingOf(call, 'completed')]);
    expect(await s.events.ofCall(call.id)).toEqual(events);
  });

  it('refuses to end a recording twice', async () => {
    const { call, claim } = await startedCall();
    const end = {
      recording: recordingOf(call, 'completed'),
      ending: { end_reason: 'stopped' as const },
      events: [eventOf(call, `evt_c${call.id}`)],
    };
    await s.recordings.commitEnded(claim, end);

    await expect(
      s.recordings.commitEnded(claim, { ...end, events: [eventOf(call, `evt_d${call.id}`)] }),
    ).rejects.toBeInstanceOf(ClaimLostError);
  });

  it('refuses to end the call of a recording when the call has ended meanwhile', async () => {
    const { call, claim } = await startedCall();
    await s.recordings.endCall(call.id, 'completed');

    await expect(
      s.recordings.commitEnded(claim, {
        recording: recordingOf(call, 'completed'),
        ending: { end_reason: 'hangup' },
        events: [eventOf(call, `evt_h${call.id}`)],
        endCall: 'completed',
      }),
    ).rejects.toBeInstanceOf(ClaimLostError);
  });

  it('ends an active call once', async () => {
    const call = await newCall();

    expect([
      await s.recordings.endCall(call.id, 'completed'),
      await s.recordings.endCall(call.id, 'failed'),
    ]).toEqual([true, false]);
    expect((await s.recordings.getCall(call.id))?.status).toBe('completed');
  });

  it('finds a call by its media-server channel', async () => {
    const call = await newCall();

    expect(await s.recordings.findCallByChannel(call.provider_call_id ?? '')).toEqual(call);
    expect(await s.recordings.findCallByChannel('no-such-channel')).toBeUndefined();
  });

  it('reads a recording by its call and number, and nothing for one never made', async () => {
    const { call } = await startedCall();

    expect(await s.recordings.getRecording(call.id, 1)).toEqual(recordingOf(call));
    expect(await s.recordings.getRecording(call.id, 2)).toBeUndefined();
  });

  it('gives a stop claim back: the recording is started again', async () => {
    const { call } = await startedCall();
    const stop = claimFor(call, 'clm_s', 2000);
    await s.recordings.claimStop(stop, { claimId: 'clm_a', staleBefore: 1 });

    await s.recordings.releaseStop(stop);

    expect((await s.recordings.getCall(call.id))?.active_recording).toMatchObject({
      state: 'started',
      claim_id: 'clm_s',
    });
  });

  it('refuses to give back a stop claim it does not hold', async () => {
    const { call } = await startedCall();

    await expect(s.recordings.releaseStop(claimFor(call, 'clm_other', 2000))).rejects.toBeInstanceOf(
      ClaimLostError,
    );
  });
});
