import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/logger.ts';
import { dispatchEvent } from './dispatch-event.ts';
import type { EventQueue, Outbox } from './ports.ts';

/** Result of one sweep. */
export interface SweepResult {
  found: number;
  dispatched: number;
}

/** Ports of {@link sweepOutbox}. */
export interface SweepOutboxDeps {
  outbox: Outbox;
  queue: EventQueue;
  clock: Clock;
  logger: Logger;
}

/**
 * Re-sends outbox events that nobody acknowledged: their request could not queue them, or the webhook
 * sender has not received them within the grace period.
 *
 * Steps:
 * 1. List events older than the grace period (younger ones are in flight and acknowledged soon).
 * 2. Queue each and clear it from the outbox; failures stay for the next sweep.
 */
export async function sweepOutbox(
  deps: SweepOutboxDeps,
  options: { graceMs: number; batchSize: number },
): Promise<SweepResult> {
  const createdBefore = new Date(deps.clock.now().getTime() - options.graceMs);
  const events = await deps.outbox.listPending(createdBefore, options.batchSize);
  let dispatched = 0;
  for (const event of events) {
    if (!(await dispatchEvent(event, deps))) continue;
    dispatched += 1;
    try {
      await deps.outbox.acknowledge(event);
    } catch (error) {
      // Queued already; the next sweep may queue it again and the sender skips delivered events.
      deps.logger.warn('queued event could not be cleared from the outbox', {
        event_id: event.event_id,
        error: String(error),
      });
    }
  }
  if (events.length > 0) deps.logger.info('outbox sweep', { found: events.length, dispatched });
  return { found: events.length, dispatched };
}
