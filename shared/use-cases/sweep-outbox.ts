import type { Clock, EventQueue, Logger, RecordingStore } from '../ports.ts';
import { dispatchEvent } from './dispatch-event.ts';

/** Result of one sweep. */
export interface SweepResult {
  found: number;
  dispatched: number;
}

/**
 * Re-sends outbox events that were committed but never reached the queue.
 *
 * Steps:
 * 1. List events older than the grace period (younger ones are still being sent by their request).
 * 2. Send each and clear it; failures stay for the next sweep.
 */
export async function sweepOutbox(
  deps: { store: RecordingStore; queue: EventQueue; clock: Clock; logger: Logger },
  options: { graceMs: number; batchSize: number },
): Promise<SweepResult> {
  const createdBefore = new Date(deps.clock.now().getTime() - options.graceMs);
  const events = await deps.store.listPendingEvents(createdBefore, options.batchSize);
  let dispatched = 0;
  for (const event of events) {
    if (await dispatchEvent(event, deps)) dispatched += 1;
  }
  if (events.length > 0) deps.logger.info('outbox sweep', { found: events.length, dispatched });
  return { found: events.length, dispatched };
}
