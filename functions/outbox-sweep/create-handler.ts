import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Clock, EventQueue, Logger, RecordingStore } from '../../shared/ports.ts';
import { type SweepResult, sweepOutbox } from '../../shared/use-cases/sweep-outbox.ts';

/** Stop starting new batches when less than this much of the invocation is left. */
const SAFETY_MARGIN_MS = 5000;

/**
 * The scheduled outbox sweep: re-queues events whose request could not hand them to SQS. Runs batches
 * until the outbox holds no old events or the invocation is nearly out of time.
 */
export function createOutboxSweepHandler(
  deps: { store: RecordingStore; queue: EventQueue; clock: Clock; logger: Logger },
  options: { graceMs: number; batchSize: number },
) {
  return async (_event: ScheduledEvent | Record<string, never>, context: Context): Promise<SweepResult> => {
    const total: SweepResult = { found: 0, dispatched: 0 };
    for (;;) {
      const batch = await sweepOutbox(deps, options);
      total.found += batch.found;
      total.dispatched += batch.dispatched;
      // A short batch means the backlog is drained; a batch with failures is left for the next run.
      if (batch.found < options.batchSize || batch.dispatched < batch.found) return total;
      if (context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS) return total;
    }
  };
}
