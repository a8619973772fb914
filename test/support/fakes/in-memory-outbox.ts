import type { Outbox } from '../../../shared/webhooks/ports.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/** In-memory {@link Outbox} over the events the recording store committed. */
export function createInMemoryOutbox(state: InMemoryState = createInMemoryState()): Outbox {
  return {
    async listPending(createdBefore, limit) {
      return [...state.outbox.values()]
        .filter((e) => Date.parse(e.created_at) < createdBefore.getTime())
        .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.event_id.localeCompare(b.event_id))
        .slice(0, limit)
        .map(copy);
    },
    async acknowledge(event) {
      state.outbox.delete(event.event_id);
    },
  };
}
