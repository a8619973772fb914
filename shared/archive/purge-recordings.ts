import { deleteStoredRecording, removeAudio } from './delete-recording.ts';
import type { PurgeDeps } from './ports.ts';

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
 * (`PurgeFailures`) and left due for the next round.
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
      deps.logger.error('purge failed; it stays due', {
        recording_id: recording.id,
        call_id: recording.call_id,
        error: String(error),
      });
    }
  }
  return report;
}
