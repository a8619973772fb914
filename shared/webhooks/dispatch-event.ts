import type { Logger } from '../kernel/logger.ts';
import type { EventQueue } from './ports.ts';
import type { OutboxEvent } from './types.ts';

/**
 * Hands a committed event to the webhook queue. Never throws: an event that could not be queued stays
 * in the outbox, where the sweep finds it. (The outbox item is removed by the webhook sender when it
 * receives the event, or by the sweep after it re-queued it, keeping this request path to one write.)
 */
export async function dispatchEvent(
  event: OutboxEvent,
  deps: { queue: EventQueue; logger: Logger },
): Promise<boolean> {
  try {
    await deps.queue.send(event);
    return true;
  } catch (error) {
    deps.logger.warn('event left in outbox for the sweep', {
      event_id: event.event_id,
      event_type: event.event_type,
      error: String(error),
    });
    return false;
  }
}
