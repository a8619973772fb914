import { withCallClaim } from './call-claim.ts';
import { isClaimStale, recordingIdFor } from './call-rules.ts';
import { ClaimLostError, ProviderError, RecordingStartFailedError } from './errors.ts';
import type { Claim, RecordingDeps } from './ports.ts';
import { newRecording, providerRequest, recordingEvent } from './recording-records.ts';
import { commitStartFailed, type SettledStart, settleStart } from './settle-start.ts';
import type { Call, RecordableCall, Recording } from './types.ts';

/**
 * Starts recording a call, or returns the recording already started (idempotent).
 *
 * Steps:
 * 1. If a recording is `started`, return it: no provider command, no event.
 * 2. If another request holds the call's claim, wait for it; a stale start claim (its request died) is
 *    taken over and settled first: its audio adopted, or its start recorded as failed. A stop claim is
 *    waited for until its recording ended (its audio stored), however long that takes up to the wait.
 * 3. Claim the slot with a conditional write, allocating the next recording id.
 * 4. Tell the provider to start. A refusal commits `failed`; an unknown outcome (late or lost reply) is
 *    settled before answering; success commits `started` with its event in one transaction.
 * 5. The event, committed with the state (the outbox), reaches the webhook queue through the table's
 *    stream: the request sends nothing more.
 */
export function startRecording(call: Call | undefined, deps: RecordingDeps): Promise<Recording> {
  const { store, ids, settings } = deps;
  return withCallClaim<Recording>(call, deps, (current, now) => {
    const active = current.active_recording;
    if (active?.recording && active.state === 'started') return { kind: 'answer', value: active.recording };
    // A stop in flight has closed the file, or is about to: wait for its recording to end (its audio
    // is being stored), then start the next one. Never answer `started` for audio that has stopped.
    if (active?.state === 'stopping') return { kind: 'wait' };
    if (active && !isClaimStale(active, now, settings.claimLeaseMs)) return { kind: 'wait' };
    const seq = active ? active.seq : current.recording_seq + 1;
    const claim: Claim = {
      callId: current.id,
      claimId: ids.next('clm'),
      recordingId: recordingIdFor(current.id, seq),
      seq,
      claimedAt: now,
    };
    if (active) {
      // The request that took this start died mid-way: learn what it left on the media server first.
      return {
        kind: 'claim',
        take: () =>
          store.claimStart(claim, {
            staleClaimId: active.claim_id,
            staleBefore: now - settings.claimLeaseMs + 1,
          }),
        run: async (claimed) => {
          const started = newRecording(claimed, claim.recordingId, new Date(active.claimed_at));
          const settled = await settleStart(claim, claimed, started, deps);
          if (settled.kind === 'adopted') return settled.recording;
          if (settled.kind === 'unknown') throw new RecordingStartFailedError();
          return startRecording(await store.getCall(claimed.id), deps);
        },
      };
    }
    return {
      kind: 'claim',
      take: () => store.claimStart(claim, { previousSeq: current.recording_seq }),
      run: (claimed) => runStart(claim, claimed, deps),
    };
  });
}

async function runStart(claim: Claim, call: RecordableCall, deps: RecordingDeps): Promise<Recording> {
  const { provider, store, logger } = deps;
  const request = providerRequest(call, claim.recordingId);
  const started = newRecording(call, claim.recordingId, new Date(claim.claimedAt));
  try {
    await provider.startRecording(request);
  } catch (error) {
    logger.warn('media server did not start the recording', { call_id: call.id, error: String(error) });
    if (error instanceof ProviderError && !error.uncertain) {
      await commitStartFailed(claim, call, started, deps);
      throw new RecordingStartFailedError();
    }
    // The command may have run: adopt the audio or make sure there is none before answering.
    let settled: SettledStart;
    try {
      settled = await settleStart(claim, call, started, deps);
    } catch (commitError) {
      // Settling could not commit what it found (audio may be running): never 503 "nothing changed".
      return afterFailedCommit(commitError, claim, call, deps);
    }
    if (settled.kind === 'adopted') return settled.recording;
    throw new RecordingStartFailedError();
  }
  const event = recordingEvent(call, started, { type: 'recording.started' }, deps, new Date(claim.claimedAt));
  try {
    await store.commitStarted(claim, started, event);
  } catch (error) {
    return afterFailedCommit(error, claim, call, deps);
  }
  return started;
}

/**
 * The media server is (or may be) recording but our commit failed. What is stored decides: if the
 * commit landed after all (its answer lost), or another request or the media events adopted the
 * recording (and perhaps ended it since), answer with it; otherwise stop the audio (nothing may record
 * that the API does not show) and answer 502, never "503, nothing changed".
 */
async function afterFailedCommit(error: unknown, claim: Claim, call: RecordableCall, deps: RecordingDeps) {
  const { provider, store, logger } = deps;
  const active = (await store.getCall(call.id).catch(() => undefined))?.active_recording;
  if (active?.recording && active.recording_id === claim.recordingId && active.state !== 'starting') {
    return active.recording;
  }
  // Adopted and already ended (its channel hung up): it started, and its webhooks say so; a 502 would
  // contradict them.
  const ended = await store.getRecording(call.id, claim.seq).catch(() => undefined);
  if (ended?.id === claim.recordingId && ended.status !== 'failed') return ended;
  logger.error('start committed nothing after the media server started; stopping the audio', {
    call_id: call.id,
    recording_id: claim.recordingId,
    error: String(error),
  });
  const stopped = await provider.stopRecording(providerRequest(call, claim.recordingId)).then(
    () => true,
    (stopError: unknown) => {
      logger.error('could not stop unrecorded audio; the media events will settle it', {
        call_id: call.id,
        recording_id: claim.recordingId,
        error: String(stopError),
      });
      return false;
    },
  );
  if (stopped && !(error instanceof ClaimLostError)) {
    // Record the failure if storage lets us now; otherwise the claim is settled later (by the next
    // request, or by the media events, which then show what the media server really recorded).
    const started = newRecording(call, claim.recordingId, new Date(claim.claimedAt));
    await commitStartFailed(claim, call, started, deps).catch(() => undefined);
  }
  throw new RecordingStartFailedError();
}
