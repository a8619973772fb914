import { describe, expect, it } from 'vitest';
import type { EventQueue } from '../../../shared/webhooks/ports.ts';
import { relayOutbox } from '../../../shared/webhooks/relay-outbox.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { createMemoryLogger } from '../../support/fakes/memory-logger.ts';
import { createMemoryMetrics } from '../../support/fakes/memory-metrics.ts';

const NOW = '2026-11-24T10:00:00Z';

const event = (n: number): OutboxEvent => ({
  event_id: `evt_${n}`,
  event_type: 'recording.started',
  application_id: 'app_1',
  call_id: 'call_1',
  created_at: NOW,
  occurred_at: '2026-11-24T10:00:00.000Z',
  body: '{}',
});

/** A queue that takes the first `takes` events of every batch. */
const queueTaking = (takes: number): EventQueue => ({
  sendAll: async (events) => Math.min(takes, events.length),
  requestRedrive: async () => undefined,
});

function relayWith(queue: EventQueue) {
  const metrics = createMemoryMetrics();
  const deps = { queue, logger: createMemoryLogger(), metrics, clock: createManualClock(NOW).clock };
  return {
    metrics,
    relay: (events: OutboxEvent[], recordedAt?: (number | undefined)[]) =>
      relayOutbox(events, deps, recordedAt),
  };
}

describe('relayOutbox metrics', () => {
  it('records the outbox lag, the age of the batch’s oldest stream record as it is relayed, and the events queued', async () => {
    const { metrics, relay } = relayWith(queueTaking(10));
    const now = Date.parse(NOW);

    await relay([event(1), event(2), event(3)], [now - 4000, now - 7000, undefined]);

    expect(metrics.points).toEqual([
      { name: 'OutboxLag', value: 7000, unit: 'Milliseconds', dimensions: {} },
      { name: 'OutboxEventsRelayed', value: 3, unit: 'Count', dimensions: {} },
    ]);
  });

  it('records no lag when no record says when it was written, and counts only the events the queue took', async () => {
    const { metrics, relay } = relayWith(queueTaking(1));

    expect(await relay([event(1), event(2)])).toBe(1);
    expect(metrics.points).toEqual([
      { name: 'OutboxEventsRelayed', value: 1, unit: 'Count', dimensions: {} },
    ]);
  });

  it('records nothing for a batch without outbox events', async () => {
    const { metrics, relay } = relayWith(queueTaking(10));

    await relay([], []);

    expect(metrics.points).toEqual([]);
  });
});

describe('relayOutbox', () => {
  it('says the queue took nothing when it throws, so the stream retries the whole batch', async () => {
    const logger = createMemoryLogger();
    const metrics = createMemoryMetrics();
    const refusing: EventQueue = {
      sendAll: async () => {
        throw new Error('queue unreachable');
      },
      requestRedrive: async () => undefined,
    };

    const queued = await relayOutbox([event(1), event(2)], {
      queue: refusing,
      logger,
      metrics,
      clock: createManualClock(NOW).clock,
    });

    expect(queued).toBe(0);
    expect(metrics.points).toEqual([]);
    expect(logger.lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'warn',
        message: 'webhook queue refused events; the stream retries them',
        error: 'Error: queue unreachable',
      },
      {
        level: 'warn',
        message: 'events not queued yet; the stream retries them',
        queued: 0,
        waiting: 2,
        first_waiting: 'evt_1',
      },
    ]);
  });
});
