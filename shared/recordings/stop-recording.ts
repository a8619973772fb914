import { withCallClaim } from './call-claim.ts';
import { isClaimStale } from './call-rules.ts';
import {
  ClaimLostError,
  ProviderError,
  RecordingNotStartedError,
  RecordingStopFailedError,
} from './errors.ts';
import type { Claim, RecordingDeps, StopOutcome } from './ports.ts';
import { newRecording, providerRequest, recordingEnd } from './recording-records.ts';
import { settleStart } from './settle-start.ts';
import type { Call, RecordableCall, Recording } from './types.ts';

/**
 * Stops the call's started recording and returns it as it ended: `completed` once its audio is stored,
 * or `failed` when the media server kept no audio (or it could not be stored).
 *
 * Steps:
 * 1. Nothing started → 404 `recording_not_started`. A stale start claim (its request died) is settled
 *    first: adopted audio is then stopped; a start that never happened is 404.
 * 2. If another request holds the call's claim, wait for it (or take over a stale stop).
 * 3. Claim the started recording with a conditional write and tell the media server to stop its file.
 * 4. Nothing kept (FreeSWITCH discarded the file): commit `failed` (empty) with its event. Stopped, or
 *    already closed (limit, lost reply, hangup): the relay beside the media server stores the file and
 *    reports it, and that report completes the recording (a recording is `completed` only once its
 *    audio is stored); wait for it and answer with it. No answer and still recording → 502, released.
 */
export function stopRecording(call: Call | undefined, deps: RecordingDeps): Promise<Recording> {
  const { store, ids, settings } = deps;
  return withCallClaim<Recording>(call, deps, (current, now) => {
    const active = current.active_recording;
    if (active === undefined) throw new RecordingNotStartedError();
    const stale = isClaimStale(active, now, settings.claimLeaseMs);
    if (active.state !== 'started' && !stale) return { kind: 'wait' };
    const claim: Claim = {
      callId: current.id,
      claimId: ids.next('clm'),
      recordingId: active.recording_id,
      seq: active.seq,
      claimedAt: now,
    };
    const expect = { staleClaimId: active.claim_id, staleBefore: now - settings.claimLeaseMs + 1 };
    if (active.state === 'starting') {
      // Never answer 404 while audio may be running: find out what the dead start left behind.
      return {
        kind: 'claim',
        take: () => store.claimStart(claim, expect),
        run: async (claimed) => {
          const started = newRecording(claimed, claim.recordingId, new Date(active.claimed_at));
          const settled = await settleStart(claim, claimed, started, deps);
          if (settled.kind === 'unknown') throw new RecordingStopFailedError();
          if (settled.kind === 'failed') throw new RecordingNotStartedError();
          return stopRecording(await store.getCall(claimed.id), deps);
        },
      };
    }
    return {
      kind: 'claim',
      take: () => store.claimStop(claim, { claimId: active.claim_id, staleBefore: expect.staleBefore }),
      // A started (or stopping) active recording always carries its stored recording.
      run: (claimed) => runStop(claim, claimed, active.recording as Recording, deps),
    };
  });
}

async function runStop(claim: Claim, call: RecordableCall, recording: Recording, deps: RecordingDeps) {
  const { store, clock, logger } = deps;
  const outcome = await stopFile(claim, call, deps);
  if (outcome.kind !== 'discarded') return awaitMediaEnd(claim, call, recording, deps);
  const end = recordingEnd(call, recording, outcome, 'stopped', deps, clock.now());
  try {
    await store.commitEnded(claim, end);
  } catch (error) {
    if (!(error instanceof ClaimLostError)) throw error;
    // The media server's own report ended it first (or another request took over): answer with that.
    logger.info('stop found the recording ended meanwhile', { call_id: call.id, recording_id: recording.id });
    return awaitMediaEnd(claim, call, recording, deps);
  }
  return end.recording;
}

/** Stops the recording's file; a lost reply is resolved by asking whether it still records. */
async function stopFile(claim: Claim, call: RecordableCall, deps: RecordingDeps): Promise<StopOutcome> {
  const { provider, store, logger } = deps;
  const request = providerRequest(call, claim.recordingId);
  try {
    return await provider.stopRecording(request);
  } catch (error) {
    logger.warn('media server did not stop the recording', { call_id: call.id, error: String(error) });
    if (error instanceof ProviderError && error.uncertain) {
      const recording = await provider.isRecording(request).catch(() => true);
      if (!recording) return { kind: 'not_recording' };
    }
    await store.releaseStop(claim);
    throw new RecordingStopFailedError();
  }
}

/**
 * How often a stop reads the recording while its audio is being stored: storing takes about a tenth of
 * a second, so this answers within 50 ms of the completion for a few strongly consistent reads.
 */
const SETTLE_POLL_MS = 50;

/**
 * The file is closed: its end is committed by the media events (the relay stores the file, then
 * reports it; the media-events function completes the recording). Wait up to `stopSettleMs` for that and
 * answer with the ended recording. Otherwise answer 502 and keep the stop claim: the recording still
 * shows `started`, the report will end it as `stopped`, and a retry waits for it.
 */
async function awaitMediaEnd(claim: Claim, call: RecordableCall, recording: Recording, deps: RecordingDeps) {
  const { store, clock, settings } = deps;
  const giveUpAt = clock.now().getTime() + settings.stopSettleMs;
  for (;;) {
    const current = await store.getRecording(call.id, claim.seq);
    if (current && current.status !== 'started') return current;
    if (clock.now().getTime() >= giveUpAt) break;
    await clock.sleep(SETTLE_POLL_MS);
  }
  deps.logger.warn('stopped, but the recording is not stored yet', {
    call_id: call.id,
    recording_id: recording.id,
  });
  throw new RecordingStopFailedError(
    'the recording was stopped but its audio is not stored yet; retry shortly',
  );
}
