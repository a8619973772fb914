import { toRfc3339Seconds } from '../kernel/time.ts';
import type { Claim, RecordingDeps } from './ports.ts';
import { providerRequest, recordingEvent } from './recording-records.ts';
import type { RecordableCall, Recording } from './types.ts';

/** What settling an uncertain start decided. */
export type SettledStart =
  /** The media server is recording it: committed `started`. */
  | { kind: 'adopted'; recording: Recording }
  /** It is not recording (or was made to stop): committed `failed`, reason `start_failed`. */
  | { kind: 'failed'; recording: Recording }
  /** The media server could be neither asked nor told: nothing committed, the claim stays. */
  | { kind: 'unknown' };

/**
 * Settles a start whose outcome is unknown — its reply came late or never, or the request that sent it
 * died — so that no audio runs that the API does not show (invariant 1).
 *
 * Steps:
 * 1. Ask the media server whether the file is recording (`uuid_buglist`).
 * 2. Recording: adopt it, committing `started` with its event under `claim`.
 * 3. Not recording: commit `failed` (`start_failed`). Cannot ask: stop the file to be sure, then the same.
 * 4. Can neither ask nor stop: leave the claim; a later request or the media events settle it.
 */
export async function settleStart(
  claim: Claim,
  call: RecordableCall,
  started: Recording,
  deps: RecordingDeps,
): Promise<SettledStart> {
  const { provider, store, clock, logger } = deps;
  const request = providerRequest(call, claim.recordingId);
  let recording: boolean | undefined;
  try {
    recording = await provider.isRecording(request);
  } catch {
    try {
      await provider.stopRecording(request);
      recording = false;
    } catch (error) {
      logger.error('start outcome unknown: media server unreachable; claim left for settling', {
        call_id: call.id,
        recording_id: claim.recordingId,
        error: String(error),
      });
      return { kind: 'unknown' };
    }
  }
  const now = clock.now();
  if (recording) {
    const event = recordingEvent(call, started, { type: 'recording.started' }, deps, now);
    await store.commitStarted(claim, started, event);
    logger.warn('adopted a start whose outcome was unknown', { call_id: call.id, recording_id: started.id });
    return { kind: 'adopted', recording: started };
  }
  const failed = await commitStartFailed(claim, call, started, deps);
  return { kind: 'failed', recording: failed };
}

/** Commits a start that did not happen: the recording `failed` (`start_failed`), the slot free. */
export async function commitStartFailed(
  claim: Claim,
  call: RecordableCall,
  started: Recording,
  deps: RecordingDeps,
): Promise<Recording> {
  const now = deps.clock.now();
  const failed: Recording = { ...started, status: 'failed', updated_at: toRfc3339Seconds(now) };
  const event = recordingEvent(call, failed, { type: 'recording.failed', reason: 'start_failed' }, deps, now);
  await deps.store.commitStartFailed(claim, failed, event);
  return failed;
}
