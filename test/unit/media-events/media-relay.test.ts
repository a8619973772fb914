import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../shared/kernel/clock.ts';
import { createMediaRelay } from '../../../shared/media-events/media-relay.ts';
import type { PendingUpload, RelayState } from '../../../shared/media-events/relay-ports.ts';
import type { RelayMessage } from '../../../shared/media-events/types.ts';
import { createMemoryLogger } from '../../support/fakes/memory-logger.ts';

// The relay's uploads summary (`uploads_retrying`) on a clock the test moves: the media server is
// unreachable (uploads run without it), the files waiting to be stored come from the journal, and
// storage refuses or takes them as the test says.

const START = Date.parse('2026-11-24T10:00:00.000Z');
const MINUTE = 60_000;
const PATH = '/rec/cust_1/call_1/rec_call_1.wav';
const REFUSAL = 'AccessDenied: not authorized to perform kms:GenerateDataKey';

/**
 * A clock whose sleeps end only when the test moves time past them (in order, letting the relay run
 * after each), so every step of the relay happens at a known instant.
 */
function createSteppedClock() {
  let now = START;
  const timers: { at: number; wake: () => void }[] = [];
  const clock: Clock = {
    now: () => new Date(now),
    sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })),
  };
  /** Lets everything the relay can do without time passing happen (the ports here answer at once). */
  const idle = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    clock,
    /** Moves time forward by `ms`, waking each sleep at its instant. */
    async advance(ms: number) {
      const until = now + ms;
      await idle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.wake();
        await idle();
      }
      now = until;
      await idle();
    },
  };
}

/** A closed file of ours the journal says is waiting to be stored, closed `ageMs` before the start. */
function pendingUpload(ageMs = 0): PendingUpload {
  return {
    stop: {
      media_node: 'fs-a',
      core_uuid: 'core-1',
      at: new Date(START - ageMs).toISOString(),
      source: 'event',
      kind: 'recording_stopped',
      channel_uuid: 'chan-1',
      path: PATH,
      file: { kind: 'closed', duration_ms: 2_000, size_bytes: 64_044 },
      channel_ended: true,
    },
    since: START - ageMs,
    attempts: 0,
    nextAt: START - ageMs,
  };
}

let stopRelay: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopRelay?.();
  stopRelay = undefined;
});

/** The relay, run, with one pending upload in its journal and storage refusing while `refusing`. */
function startRelay(options: { ageMs?: number; refuseSummaries?: boolean } = {}) {
  const time = createSteppedClock();
  const storage = { refusing: true };
  const queue = { refusingSummaries: options.refuseSummaries ?? false };
  const published: RelayMessage[] = [];
  const logger = createMemoryLogger();
  const journal: RelayState = {
    coreUuid: 'core-1',
    running: {},
    channels: [],
    reported: {},
    scanSinceMs: START - MINUTE,
    uploads: { [PATH]: pendingUpload(options.ageMs) },
  };
  const relay = createMediaRelay({
    connect: () => Promise.reject(new Error('media server unreachable')),
    publisher: {
      publish: async (message) => {
        if (message.kind === 'uploads_retrying' && queue.refusingSummaries) throw new Error('queue down');
        published.push(message);
      },
    },
    files: {
      list: async () => [],
      facts: async () => ({ kind: 'closed', duration_ms: 2_000, size_bytes: 64_044 }),
      remove: async () => undefined,
    },
    uploader: {
      upload: async () => {
        if (storage.refusing) throw new Error(REFUSAL);
      },
    },
    objectKeyOf: () => 'recordings/cust_1/call_1/rec_call_1.wav',
    journal: { load: async () => structuredClone(journal), save: async () => undefined },
    clock: time.clock,
    logger,
    settings: {
      node: 'fs-a',
      reconcileEveryMs: 30_000,
      scanMinAgeMs: 10_000,
      retentionMs: 7 * 86_400_000,
      reconnectMinMs: 1000,
      reconnectMaxMs: 10_000,
      uploadGiveUpMs: 86_400_000,
      uploadConcurrency: 4,
      uploadAlarmAfterMs: 2 * MINUTE,
      uploadAlarmEveryMs: MINUTE,
    },
  });
  const running = relay.run();
  stopRelay = async () => {
    relay.stop();
    await time.advance(20_000);
    await running;
  };
  const summaries = () => published.filter((message) => message.kind === 'uploads_retrying');
  return { ...time, storage, queue, published, summaries, logger };
}

/** The summary sent at `minutes` after the start, about one file closed `ageMs` before the start. */
const summaryAt = (minutes: number, ageMs = 0) => ({
  kind: 'uploads_retrying',
  media_node: 'fs-a',
  core_uuid: 'core-1',
  at: new Date(START + minutes * MINUTE).toISOString(),
  pending: 1,
  oldest_age_ms: minutes * MINUTE + ageMs,
  last_error: `Error: ${REFUSAL}`,
});

describe('the media relay: uploads that keep failing', () => {
  it('sends nothing while the failing upload is younger than uploadAlarmAfterMs', async () => {
    const r = startRelay();

    await r.advance(2 * MINUTE - 1);

    expect(r.published).toEqual([]);
  });

  it('sends one uploads_retrying summary once a failing upload is older than uploadAlarmAfterMs', async () => {
    const r = startRelay();

    await r.advance(2 * MINUTE + 30_000);

    expect(r.published).toEqual([summaryAt(2)]);
  });

  it('sends the summary at most once per uploadAlarmEveryMs while the uploads keep failing', async () => {
    const r = startRelay();

    await r.advance(6 * MINUTE + 59_000);

    expect(r.published).toEqual([summaryAt(2), summaryAt(3), summaryAt(4), summaryAt(5), summaryAt(6)]);
  });

  it('stops sending once storage takes the upload (at its next try, 3 min 3 s in)', async () => {
    const r = startRelay();
    await r.advance(2 * MINUTE + 30_000);
    r.storage.refusing = false;

    await r.advance(10 * MINUTE);

    expect(r.summaries()).toEqual([summaryAt(2), summaryAt(3)]);
    expect(r.published.map((message) => message.kind)).toEqual([
      'uploads_retrying',
      'uploads_retrying',
      'recording_stopped',
    ]);
  });

  it('sends nothing at all when storage takes every upload', async () => {
    const r = startRelay();
    r.storage.refusing = false;

    await r.advance(10 * MINUTE);

    expect(r.summaries()).toEqual([]);
  });

  it('counts the age from the journal after a restart: an old file sends at its first failure', async () => {
    const r = startRelay({ ageMs: 10 * MINUTE });

    await r.advance(1000);

    expect(r.published).toEqual([summaryAt(0, 10 * MINUTE)]);
  });

  it('logs a summary the queue refused and sends the next one an interval later, not sooner', async () => {
    const r = startRelay({ refuseSummaries: true });
    await r.advance(2 * MINUTE + 30_000);
    r.queue.refusingSummaries = false;

    await r.advance(40_000);

    expect(r.published).toEqual([summaryAt(3)]);
    expect(
      r.logger.lines
        .map((line) => JSON.parse(line))
        .filter((line) => line.message.startsWith('uploads summary')),
    ).toEqual([
      {
        level: 'warn',
        message: 'uploads summary not queued; sending it at the next interval',
        error: 'Error: queue down',
      },
    ]);
  });
});
