import { isCallActive, recordingIdFor } from '../../../shared/recordings/call-rules.ts';
import { ClaimLostError } from '../../../shared/recordings/errors.ts';
import type { Claim, ClaimResult, RecordingStore } from '../../../shared/recordings/ports.ts';
import type { Call } from '../../../shared/recordings/types.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/**
 * In-memory {@link RecordingStore} with the same conditional semantics as the DynamoDB adapter: every
 * claim and commit checks its condition atomically (JavaScript runs each method body without
 * interleaving). The contract suite runs it beside the DynamoDB store to keep the two alike.
 */
export function createInMemoryRecordingStore(state: InMemoryState = createInMemoryState()): RecordingStore {
  const recordable = (call: Call | undefined): call is Call =>
    !!call && !!call.provider_call_id && isCallActive(call);
  const ownClaim = (c: Claim) => {
    const call = state.calls.get(c.callId);
    if (call?.active_recording?.claim_id !== c.claimId) throw new ClaimLostError();
    return call;
  };

  return {
    async loadAccess(keyHash, callId) {
      const key = state.apiKeys.get(keyHash);
      const call = callId ? state.calls.get(callId) : undefined;
      return {
        apiKey: key && {
          key_hash: key.key_hash,
          application_id: key.application_id,
          customer_id: key.customer_id,
          status: key.status,
          application_status: key.application_status,
        },
        call: copy(call),
      };
    },
    async getCall(callId) {
      return copy(state.calls.get(callId));
    },
    async claimStart(c, expect): Promise<ClaimResult> {
      const call = state.calls.get(c.callId);
      const active = call?.active_recording;
      const ok =
        recordable(call) &&
        ('previousSeq' in expect
          ? active === undefined && call.recording_seq === expect.previousSeq
          : active?.claim_id === expect.staleClaimId &&
            active.state === 'starting' &&
            active.claimed_at < expect.staleBefore);
      if (!ok || !call) return { ok: false, call: copy(call) };
      call.recording_seq = c.seq;
      call.active_recording = {
        state: 'starting',
        recording_id: c.recordingId,
        seq: c.seq,
        claim_id: c.claimId,
        claimed_at: c.claimedAt,
      };
      return { ok: true, call: copy(call) };
    },
    async claimStop(c, expect): Promise<ClaimResult> {
      const call = state.calls.get(c.callId);
      const active = call?.active_recording;
      const ok =
        recordable(call) &&
        active?.claim_id === expect.claimId &&
        (active.state === 'started' ||
          (active.state === 'stopping' && active.claimed_at < expect.staleBefore));
      if (!ok || !active || !call) return { ok: false, call: copy(call) };
      Object.assign(active, { state: 'stopping', claim_id: c.claimId, claimed_at: c.claimedAt });
      return { ok: true, call: copy(call) };
    },
    async commitStarted(c, recording, event) {
      const call = ownClaim(c);
      if (state.recordings.has(recording.id)) throw new ClaimLostError();
      call.active_recording = {
        state: 'started',
        recording_id: c.recordingId,
        seq: c.seq,
        claim_id: c.claimId,
        claimed_at: c.claimedAt,
        recording: copy(recording),
      };
      state.recordings.set(recording.id, copy(recording));
      state.outbox.set(event.event_id, copy(event));
    },
    async commitStartFailed(c, recording, event) {
      const call = ownClaim(c);
      delete call.active_recording;
      state.recordings.set(recording.id, copy(recording));
      state.endings.set(recording.id, { failure_reason: 'start_failed' });
      state.outbox.set(event.event_id, copy(event));
    },
    async commitEnded(c, end) {
      const call = ownClaim(c);
      const previous = state.recordings.get(end.recording.id);
      const recordingOk = end.adoptsStart ? previous === undefined : previous?.status === 'started';
      const callOk = !end.endCall || isCallActive(call);
      if (!recordingOk || !callOk) throw new ClaimLostError();
      delete call.active_recording;
      if (end.endCall) call.status = end.endCall;
      state.recordings.set(end.recording.id, copy(end.recording));
      state.endings.set(end.recording.id, copy(end.ending));
      if (end.purgeAt !== undefined) state.purges.set(end.recording.id, end.purgeAt);
      for (const event of end.events) state.outbox.set(event.event_id, copy(event));
    },
    async endCall(callId, status) {
      const call = state.calls.get(callId);
      if (!call || !isCallActive(call)) return false;
      call.status = status;
      return true;
    },
    async findCallByChannel(channelUuid) {
      return copy([...state.calls.values()].find((call) => call.provider_call_id === channelUuid));
    },
    async getRecording(callId, seq) {
      const id = recordingIdFor(callId, seq);
      return copy(state.recordings.get(id));
    },
    async releaseStop(c) {
      const call = ownClaim(c);
      if (call.active_recording) call.active_recording.state = 'started';
    },
  };
}
