import { toRfc3339Seconds } from '../domain/call-rules.ts';
import type { Call, Recording } from '../domain/types.ts';
import { buildRecordingEvent } from '../domain/webhook-event.ts';
import { RecordingNotStartedError, RecordingStopFailedError } from '../errors.ts';
import type { Claim } from '../ports.ts';
import { assertRecordable, createClaimWaiter, isClaimStale, type RecordableCall } from './call-guards.ts';
import { dispatchEvent } from './dispatch-event.ts';
import type { RecordingDeps } from './recording-deps.ts';
import { completedRecording, providerRequest } from './recording-records.ts';

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
export async function stopRecording(call: Call | undefined, deps: RecordingDeps): Promise<Recording> {
  const { clock, store, ids, settings } = deps;
  const wait = createClaimWaiter(clock, settings.claimLeaseMs);
  let current = call;
  for (;;) {
    assertRecordable(current);
    const active = current.active_recording;
    const now = clock.now().getTime();
    const stale = active !== undefined && isClaimStale(active, now, settings.claimLeaseMs);
    if (active === undefined || (active.state === 'starting' && stale)) throw new RecordingNotStartedError();
    if (active.state !== 'started' && !stale) {
      await wait();
      current = await store.getCall(current.id);
      continue;
    }
    const claim: Claim = {
      callId: current.id,
      claimId: ids.next('clm'),
      recordingId: active.recording_id,
      seq: active.seq,
      claimedAt: now,
    };
    const result = await store.claimStop(claim, {
      claimId: active.claim_id,
      staleBefore: now - settings.claimLeaseMs + 1,
    });
    if (!result.ok) {
      current = result.call;
      continue;
    }
    // A started (or stopping) active recording always carries its stored recording.
    return runStop(claim, current, active.recording as Recording, deps);
  }
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
