import { toRfc3339Seconds } from '../kernel/time.ts';
import { dispatchEvent } from '../webhooks/dispatch-event.ts';
import { withCallClaim } from './call-claim.ts';
import { isClaimStale } from './call-rules.ts';
import { RecordingNotStartedError, RecordingStopFailedError } from './errors.ts';
import type { Claim, RecordingDeps } from './ports.ts';
import { buildRecordingEvent } from './recording-events.ts';
import { completedRecording, providerRequest } from './recording-records.ts';
import type { Call, RecordableCall, Recording } from './types.ts';

/**
 * Stops the call's started recording and returns it `completed`.
 *
 * Steps:
 * 1. Nothing started (or only a start that never finished) → 404 `recording_not_started`.
 * 2. If another request holds the call's claim, wait for it (or take over a stale stop).
 * 3. Claim the started recording with a conditional write.
 * 4. Tell the provider to stop; on failure give the claim back (still `started`) → 502.
 * 5. Commit `completed` with its event in one transaction, then queue the event.
 */
export function stopRecording(call: Call | undefined, deps: RecordingDeps): Promise<Recording> {
  const { store, ids, settings } = deps;
  return withCallClaim<Recording>(call, deps, (current, now) => {
    const active = current.active_recording;
    const stale = active !== undefined && isClaimStale(active, now, settings.claimLeaseMs);
    if (active === undefined || (active.state === 'starting' && stale)) throw new RecordingNotStartedError();
    if (active.state !== 'started' && !stale) return { kind: 'wait' };
    const claim: Claim = {
      callId: current.id,
      claimId: ids.next('clm'),
      recordingId: active.recording_id,
      seq: active.seq,
      claimedAt: now,
    };
    const expect = { claimId: active.claim_id, staleBefore: now - settings.claimLeaseMs + 1 };
    return {
      kind: 'claim',
      take: () => store.claimStop(claim, expect),
      // A started (or stopping) active recording always carries its stored recording.
      run: (claimed) => runStop(claim, claimed, active.recording as Recording, deps),
    };
  });
}

async function runStop(
  claim: Claim,
  call: RecordableCall,
  recording: Recording,
  deps: RecordingDeps,
): Promise<Recording> {
  const { provider, store, clock, ids, logger } = deps;
  let media: Awaited<ReturnType<typeof provider.stopRecording>>;
  try {
    media = await provider.stopRecording(providerRequest(call, recording.id));
  } catch (error) {
    logger.warn('provider refused recording stop', { call_id: call.id, error: String(error) });
    await store.releaseStop(claim);
    throw new RecordingStopFailedError();
  }
  const now = clock.now();
  const completed = completedRecording(recording, media, now);
  const event = buildRecordingEvent(
    'recording.completed',
    call,
    completed,
    ids.next('evt'),
    toRfc3339Seconds(now),
  );
  await store.commitCompleted(claim, completed, event);
  await dispatchEvent(event, deps);
  return completed;
}
