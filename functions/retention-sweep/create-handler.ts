import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { withLogContext } from '../../shared/adapters/system/log-context.ts';
import type { PurgeDeps } from '../../shared/archive/ports.ts';
import { type PurgeReport, purgeDueRecordings } from '../../shared/archive/purge-recordings.ts';

/** Stop starting new rounds when less than this much of the invocation is left. */
const SAFETY_MARGIN_MS = 20_000;

/** Ports and settings of the `retention-sweep` Lambda. */
export type RetentionSweepDeps = PurgeDeps & { settings: { batchSize: number } };

/** What one invocation did, summed over its rounds. */
export type RetentionSweepResult = Omit<PurgeReport, 'more'>;

/**
 * The scheduled retention sweep for any set of adapters: purges recordings past their application's
 * retention, and finishes deletions whose audio removal did not complete. Runs rounds until nothing more
 * is due, a round makes no progress, or the invocation is nearly out of time (the next run carries on).
 * Each run logs one `retention sweep` line with its totals (the proof it ran); its lines carry the
 * request id (its log context).
 */
export function createRetentionSweepHandler(deps: RetentionSweepDeps) {
  const handle = middy<
    ScheduledEvent | Record<string, never>,
    RetentionSweepResult,
    Error,
    Context
  >().handler(async (_event, context) => {
    const total: RetentionSweepResult = { expired: 0, finished: 0, failed: 0 };
    for (;;) {
      const round = await purgeDueRecordings(deps, { limit: deps.settings.batchSize });
      total.expired += round.expired;
      total.finished += round.finished;
      total.failed += round.failed;
      // Failed purges are postponed, so the next round moves on; a round that made no progress at all
      // (storage or the table down) ends the run, and the next scheduled run tries again.
      if (!round.more || round.expired + round.finished === 0) break;
      if (context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS) break;
    }
    deps.logger.info('retention sweep', total);
    return total;
  });
  return (event: ScheduledEvent | Record<string, never>, context: Context): Promise<RetentionSweepResult> =>
    withLogContext({ request_id: context.awsRequestId }, () => handle(event, context));
}
