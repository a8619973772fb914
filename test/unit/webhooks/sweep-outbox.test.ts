import { beforeEach, describe, expect, it } from 'vitest';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import { sweepOutbox } from '../../../shared/webhooks/sweep-outbox.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import { createRecordingFixture } from '../../support/recording-use-case-fixture.ts';

let f: ReturnType<typeof createRecordingFixture>;
let deps: Parameters<typeof sweepOutbox>[0];

/** An outbox event created `secondsAgo` before the fixture's clock. */
function pendingEvent(id: string, secondsAgo: number): OutboxEvent {
  const at = new Date(f.time.clock.now().getTime() - secondsAgo * 1000);
  return {
    event_id: id,
    event_type: 'recording.started',
    application_id: 'app_123',
    call_id: 'call_123',
    created_at: `${at.toISOString().slice(0, 19)}Z`,
    body: `{"event":"recording.started","id":"${id}"}`,
  };
}

beforeEach(() => {
  f = createRecordingFixture();
  deps = { outbox: f.outbox, queue: f.queue.queue, clock: f.time.clock, logger: f.logger };
});

describe('sweepOutbox', () => {
  it('leaves events younger than the grace period to their own request', async () => {
    f.queue.setFailing(true);
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.queue.setFailing(false);

    expect(await sweepOutbox(deps, { graceMs: 30_000, batchSize: 10 })).toEqual({ found: 0, dispatched: 0 });
  });

  it('queues and clears events older than the grace period', async () => {
    f.queue.setFailing(true);
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.queue.setFailing(false);
    f.time.advance(31_000);

    expect(await sweepOutbox(deps, { graceMs: 30_000, batchSize: 10 })).toEqual({ found: 1, dispatched: 1 });
    expect(f.queue.sent.map((e) => e.event_type)).toEqual(['recording.started']);
    expect(f.state.outbox.size).toBe(0);
  });

  it('keeps an event the queue refuses for the next sweep', async () => {
    f.state.outbox.set('evt_old', pendingEvent('evt_old', 120));
    f.queue.setFailing(true);

    expect(await sweepOutbox(deps, { graceMs: 60_000, batchSize: 10 })).toEqual({ found: 1, dispatched: 0 });
    expect([...f.state.outbox.keys()]).toEqual(['evt_old']);
  });

  it('counts an event as dispatched when it was queued but could not be cleared, and says so', async () => {
    f.state.outbox.set('evt_old', pendingEvent('evt_old', 120));
    deps.outbox = {
      ...f.outbox,
      acknowledge: async () => {
        throw new Error('table unavailable');
      },
    };

    expect(await sweepOutbox(deps, { graceMs: 60_000, batchSize: 10 })).toEqual({ found: 1, dispatched: 1 });
    expect(f.queue.sent.map((e) => e.event_id)).toEqual(['evt_old']);
    expect(f.logger.lines.map((line) => JSON.parse(line))).toContainEqual({
      level: 'warn',
      message: 'queued event could not be cleared from the outbox',
      event_id: 'evt_old',
      error: 'Error: table unavailable',
    });
  });

  it('queues one batch at most, oldest first', async () => {
    for (const [id, age] of [
      ['evt_c', 100],
      ['evt_a', 300],
      ['evt_b', 200],
    ] as const) {
      f.state.outbox.set(id, pendingEvent(id, age));
    }

    expect(await sweepOutbox(deps, { graceMs: 60_000, batchSize: 2 })).toEqual({ found: 2, dispatched: 2 });
    expect(f.queue.sent.map((e) => e.event_id)).toEqual(['evt_a', 'evt_b']);
    expect([...f.state.outbox.keys()]).toEqual(['evt_c']);
  });
});
