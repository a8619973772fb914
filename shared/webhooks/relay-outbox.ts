import type { Logger } from '../kernel/logger.ts';
import type { EventQueue } from './ports.ts';
import type { OutboxEvent } from './types.ts';

/**
 * Hands committed events to the webhook queue, in the order they were committed (the table's stream
 * order), and says how many the queue took: the caller (the stream's event source) tries the rest
 * again, so an event reaches the queue at least once and is never skipped.
 */
export async function relayOutbox(
  events: OutboxEvent[],
  deps: { queue: EventQueue; logger: Logger },
): Promise<number> {
  if (events.length === 0) return 0;
  const queued = await deps.queue.sendAll(events).catch((error: unknown) => {
    deps.logger.warn('webhook queue refused events; the stream retries them', { error: String(error) });
    return 0;
  });
  if (queued < events.length) {
    deps.logger.warn('events not queued yet; the stream retries them', {
      queued,
      waiting: events.length - queued,
      first_waiting: events[queued]?.event_id,
    });
  }
  return queued;
}
