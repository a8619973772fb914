import { toRfc3339Seconds } from '../kernel/time.ts';
import { dispatchEvent } from '../webhooks/dispatch-event.ts';
import { withCallClaim } from './call-claim.ts';
import { isClaimStale, recordingIdFor } from './call-rules.ts';
import { RecordingStartFailedError } from './errors.ts';
import type { Claim, RecordingDeps } from './ports.ts';
import { buildRecordingEvent } from './recording-events.ts';
import { failedRecording, newRecording, providerRequest } from './recording-records.ts';
import type { Call, RecordableCall, Recording } from './types.ts';

/**
 * Starts recording a call, or returns the recording already started (idempotent).
 *
 * Steps:
 * 1. If a recording is `started`, return it: no provider command, no event.
 * 2. If another request holds the call's claim, wait for it (or take over a stale one).
 * 3. Claim the slot with a conditional write, allocating the next recording id.
 * 4. Tell the provider to start; commit `started` or `failed` with its event in one transaction.
 * 5. Queue the event (the outbox keeps it if the queue is down).
 */
export function startRecording(call: Call | undefined, deps: RecordingDeps): Promise<Recording> {
  const { store, ids, settings } = deps;
  return withCallClaim<Recording>(call, deps, (current, now) => {
    const active = current.active_recording;
    if (active?.recording && (active.state === 'started' || active.state === 'stopping')) {
      // A stop in flight has not happened yet: the recording is still started.
      return { kind: 'answer', value: active.recording };
    }
    if (active && !isClaimStale(active, now, settings.claimLeaseMs)) return { kind: 'wait' };
    const seq = active ? active.seq : current.recording_seq + 1;
    const claim: Claim = {
      callId: current.id,
      claimId: ids.next('clm'),
      recordingId: recordingIdFor(current.id, seq),
      seq,
      claimedAt: now,
    };
    const expect = active
      ? { staleClaimId: active.claim_id, staleBefore: now - settings.claimLeaseMs + 1 }
      : { previousSeq: current.recording_seq };
    return {
      kind: 'claim',
      take: () => store.claimStart(claim, expect),
      run: (claimed) => runStart(claim, claimed, active !== undefined, deps),
    };
  });
}

async function runStart(
  claim: Claim,
  call: RecordableCall,
  tookOver: boolean,
  deps: RecordingDeps,
): Promise<Recording> {
  const { provider, store, clock, ids, logger } = deps;
  const request = providerRequest(call, claim.recordingId);
  const started = newRecording(call, claim.recordingId, new Date(claim.claimedAt));
  try {
    if (tookOver) {
      // The previous owner died mid-start; the channel may be recording already, so stop it first.
      await provider.stopRecording(request).catch(() => undefined);
    }
    await provider.startRecording(request);
  } catch (error) {
    logger.warn('provider refused recording start', { call_id: call.id, error: String(error) });
    const now = clock.now();
    const failed = failedRecording(started, now);
    const event = buildRecordingEvent(
      'recording.failed',
      call,
      failed,
      ids.next('evt'),
      toRfc3339Seconds(now),
    );
    await store.commitStartFailed(claim, failed, event);
    await dispatchEvent(event, deps);
    throw new RecordingStartFailedError();
  }
  const event = buildRecordingEvent('recording.started', call, started, ids.next('evt'), started.created_at);
  await store.commitStarted(claim, started, event);
  await dispatchEvent(event, deps);
  return started;
}
