import { deleteStoredRecording, removeAudio } from './delete-recording.ts';
import type { PurgeDeps } from './ports.ts';
import type { StoredRecording } from './types.ts';

/** A purge that failed is tried again this much later, so it never holds up the ones behind it. */
export const PURGE_RETRY_MS = 3_600_000;

/** What one purge round did. */
export interface PurgeReport {
  /** Recordings whose retention ended: now deleted, audio removed. */
  expired: number;
  /** Deletions whose audio removal had not finished: now finished. */
  finished: number;
  /** Purges that failed this round (logged and counted; they stay due and are tried again). */
  failed: number;
  /** True when more purges were due than this round took. */
  more: boolean;
}

/**
 * Purges what is due: recordings past their application's retention are deleted (`recording.deleted`
 * with `reason: "retention"`, audio removed, tombstone kept), and deletions whose audio removal did not
 * finish (the request died, or storage failed) are finished. A failure is logged, counted
 * (`PurgeFailures`) and postponed by {@link PURGE_RETRY_MS}: the purges due after it still run.
 */
export async function purgeDueRecordings(deps: PurgeDeps, options: { limit: number }): Promise<PurgeReport> {
  const due = await deps.archive.duePurges(deps.clock.now().getTime(), options.limit);
  const report: PurgeReport = { expired: 0, finished: 0, failed: 0, more: due.length >= options.limit };
  for (const stored of due) {
    const { recording } = stored;
    try {
      if (recording.status === 'deleted') {
        await removeAudio(stored, deps);
        report.finished += 1;
      } else {
        const call = await deps.archive.getCall(recording.call_id);
        await deleteStoredRecording(stored, call, 'retention', deps);
        report.expired += 1;
      }
    } catch (error) {
      report.failed += 1;
      deps.metrics.count('PurgeFailures');
      deps.logger.error('purge failed; tried again later', {
        recording_id: recording.id,
        call_id: recording.call_id,
        error: String(error),
      });
      await postpone(stored, deps);
    }
  }
  return report;
}

/** Postpones a failed purge as the recording is now (the failure may have come after its deletion). */
async function postpone(stored: StoredRecording, deps: PurgeDeps): Promise<void> {
  const ref = { recordingId: stored.recording.id, callId: stored.recording.call_id, seq: stored.seq };
  try {
    const current = await deps.archive.getRecording(ref);
    if (current?.purgeAt !== undefined) {
      await deps.archive.postponePurge(current, deps.clock.now().getTime() + PURGE_RETRY_MS);
    }
  } catch (error) {
    deps.logger.error('purge not postponed; it stays due', {
      recording_id: ref.recordingId,
      error: String(error),
    });
  }
}
