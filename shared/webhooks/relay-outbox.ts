import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Metrics } from '../kernel/metrics.ts';
import type { EventQueue } from './ports.ts';
import type { OutboxEvent } from './types.ts';

/** Ports of {@link relayOutbox}. */
export interface RelayOutboxDeps {
  queue: EventQueue;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
}

/**
 * Hands committed events to the webhook queue, in the order they were committed (the table's stream
 * order), and says how many the queue took: the caller (the stream's event source) tries the rest
 * again, so an event reaches the queue at least once and is never skipped.
 *
 * Metrics: `OutboxLag`, how long ago the stream recorded the oldest event of the batch (`recordedAt`,
 * epoch ms), measured as the relay takes it; `OutboxEventsRelayed`, how many the queue took.
 */
export async function relayOutbox(
  events: OutboxEvent[],
  deps: RelayOutboxDeps,
  recordedAt: readonly (number | undefined)[] = [],
): Promise<number> {
  if (events.length === 0) return 0;
  const known = recordedAt.filter((at): at is number => at !== undefined);
  if (known.length > 0) {
    deps.metrics.duration('OutboxLag', Math.max(0, deps.clock.now().getTime() - Math.min(...known)));
  }
  const queued = await deps.queue.sendAll(events).catch((error: unknown) => {
    deps.logger.warn('webhook queue refused events; the stream retries them', { error: String(error) });
    return 0;
  });
  if (queued > 0) deps.metrics.count('OutboxEventsRelayed', queued);
  if (queued < events.length) {
    deps.logger.warn('events not queued yet; the stream retries them', {
      queued,
      waiting: events.length - queued,
      first_waiting: events[queued]?.event_id,
    });
  }
  return queued;
}
