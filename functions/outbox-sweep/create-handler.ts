import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { type SweepOutboxDeps, type SweepResult, sweepOutbox } from '../../shared/webhooks/sweep-outbox.ts';

/** Stop starting new batches when less than this much of the invocation is left. */
const SAFETY_MARGIN_MS = 5000;

/** Ports and settings of the `outbox-sweep` Lambda. */
export type OutboxSweepDeps = SweepOutboxDeps & { settings: { graceMs: number; batchSize: number } };

/**
 * The scheduled outbox sweep for any set of adapters: re-queues events whose request could not hand
 * them to SQS. Runs batches until the outbox holds no old events or the invocation is nearly out of time.
 */
export function createOutboxSweepHandler(deps: OutboxSweepDeps) {
  return middy<ScheduledEvent | Record<string, never>, SweepResult, Error, Context>().handler(
    async (_event, context) => {
      const total: SweepResult = { found: 0, dispatched: 0 };
      for (;;) {
        const batch = await sweepOutbox(deps, deps.settings);
        total.found += batch.found;
        total.dispatched += batch.dispatched;
        // A short batch means the backlog is drained; a batch with failures is left for the next run.
        if (batch.found < deps.settings.batchSize || batch.dispatched < batch.found) return total;
        if (context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS) return total;
      }
    },
  );
}
