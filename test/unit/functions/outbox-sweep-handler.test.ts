import { beforeEach, describe, expect, it } from 'vitest';
import { createOutboxSweepHandler } from '../../../functions/outbox-sweep/create-handler.ts';
import { localLambdaContext } from '../../../scripts/local/lambda-context.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import { createInMemoryOutbox } from '../../support/fakes/in-memory-outbox.ts';
import { createInMemoryState } from '../../support/fakes/in-memory-state.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { createMemoryLogger } from '../../support/fakes/memory-logger.ts';
import { createRecordingQueue } from '../../support/fakes/recording-queue.ts';

let state: ReturnType<typeof createInMemoryState>;
let queue: ReturnType<typeof createRecordingQueue>;
let deps: Parameters<typeof createOutboxSweepHandler>[0];

function seedEvents(count: number) {
  for (let i = 0; i < count; i += 1) {
    const event: OutboxEvent = {
      event_id: `evt_${String(i).padStart(3, '0')}`,
      event_type: 'recording.completed',
      application_id: 'app_123',
      call_id: 'call_123',
      created_at: '2026-11-24T09:00:00Z',
      body: '{}',
    };
    state.outbox.set(event.event_id, event);
  }
}

beforeEach(() => {
  state = createInMemoryState();
  queue = createRecordingQueue();
  deps = {
    outbox: createInMemoryOutbox(state),
    queue: queue.queue,
    clock: createManualClock().clock,
    logger: createMemoryLogger(),
    settings: { graceMs: 60_000, batchSize: 10 },
  };
});

describe('the outbox-sweep handler', () => {
  it('runs batches until the backlog is drained', async () => {
    seedEvents(25);

    const result = await createOutboxSweepHandler(deps)({}, localLambdaContext('outbox-sweep', 60_000));

    expect(result).toEqual({ found: 25, dispatched: 25 });
    expect(state.outbox.size).toBe(0);
  });

  it('leaves the rest for the next run after a batch the queue refused', async () => {
    seedEvents(25);
    queue.setFailing(true);

    const result = await createOutboxSweepHandler(deps)({}, localLambdaContext('outbox-sweep', 60_000));

    expect(result).toEqual({ found: 10, dispatched: 0 });
    expect(state.outbox.size).toBe(25);
  });

  it('starts no new batch when the invocation is nearly out of time', async () => {
    seedEvents(25);

    const result = await createOutboxSweepHandler(deps)({}, localLambdaContext('outbox-sweep', 4_000));

    expect(result).toEqual({ found: 10, dispatched: 10 });
    expect(state.outbox.size).toBe(15);
  });
});
