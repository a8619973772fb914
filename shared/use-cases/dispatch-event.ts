import type { OutboxEvent } from '../domain/types.ts';
import type { EventQueue, Logger, RecordingStore } from '../ports.ts';

/**
 * Hands a committed event to the webhook queue, then clears it from the outbox.
 * Never throws: an event that could not be queued stays in the outbox for the sweep.
 */
export async function dispatchEvent(
  event: OutboxEvent,
  deps: { queue: EventQueue; store: RecordingStore; logger: Logger },
): Promise<boolean> {
  try {
    await deps.queue.send(event);
  } catch (error) {
    deps.logger.warn('event left in outbox for the sweep', {
      event_id: event.event_id,
      event_type: event.event_type,
      error: String(error),
    });
    return false;
  }
  try {
    await deps.store.markEventDispatched(event);
  } catch (error) {
    // The event is queued; the sweep may queue it again and the sender deduplicates by event id.
    deps.logger.warn('queued event could not be cleared from the outbox', {
      event_id: event.event_id,
      error: String(error),
    });
  }
  return true;
}
