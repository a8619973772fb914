import type { EventQueue } from '../../../shared/webhooks/ports.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import { copy } from './in-memory-state.ts';

/** A queue that records what it was given, and can be told to fail. */
export function createRecordingQueue() {
  const sent: OutboxEvent[] = [];
  let failing = false;
  const queue: EventQueue = {
    async send(event) {
      if (failing) throw new Error('queue unavailable');
      sent.push(copy(event));
    },
  };
  return { queue, sent, setFailing: (value: boolean) => (failing = value) };
}
