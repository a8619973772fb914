import { beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/domain/api-key.ts';
import type { Call } from '../../shared/domain/types.ts';
import { ApiError } from '../../shared/errors.ts';
import { controlRecording, type ParsedCommand } from '../../shared/use-cases/control-recording.ts';
import type { RecordingDeps } from '../../shared/use-cases/recording-deps.ts';
import { startRecording } from '../../shared/use-cases/start-recording.ts';
import { stopRecording } from '../../shared/use-cases/stop-recording.ts';
import { sweepOutbox } from '../../shared/use-cases/sweep-outbox.ts';
import {
  createInMemoryStore,
  createManualClock,
  createMemoryLogger,
  createRecordingQueue,
  createScriptedProvider,
  createSequentialIds,
} from '../support/in-memory-ports.ts';

const KEY = 'mv_test_abcdefghijklmnop1234';
const LEASE = 10_000;
const start: ParsedCommand = { ok: true, action: 'start' };

let memory: ReturnType<typeof createInMemoryStore>;
let queue: ReturnType<typeof createRecordingQueue>;
let media: ReturnType<typeof createScriptedProvider>;
let time: ReturnType<typeof createManualClock>;
let deps: RecordingDeps;

const baseCall: Call = {
  id: 'call_123',
  customer_id: 'cust_123',
  application_id: 'app_123',
  provider_call_id: 'uuid',
  status: 'in_progress',
  direction: 'inbound',
  from: '+15551230001',
  to: '+15551230002',
  created_at: '2026-11-24T09:59:00Z',
  recording_seq: 0,
};

const startedRecording = (id = 'rec_call_123', at = '2026-11-24T10:00:00Z') => ({
  id,
  call_id: 'call_123',
  customer_id: 'cust_123',
  application_id: 'app_123',
  provider_call_id: 'uuid',
  status: 'started',
  storage_type: 'local',
  file_url: '',
  duration_seconds: 0,
  size_bytes: 0,
  created_at: at,
  updated_at: at,
});

/** The stored call, which every test seeds. */
function storedCall(): Call {
  const call = memory.calls.get('call_123');
  if (!call) throw new Error('call_123 is not seeded');
  return call;
}

/** A start claim left by a request that died: as old as the lease, so it may be taken over. */
function seedStaleStartClaim() {
  storedCall().active_recording = {
    state: 'starting',
    recording_id: 'rec_call_123',
    seq: 1,
    claim_id: 'clm_dead',
    claimed_at: time.clock.now().getTime() - LEASE,
  };
}

/** The stored call's active recording, which the test has put there. */
function activeRecording() {
  const active = storedCall().active_recording;
  if (!active) throw new Error('call_123 has no active recording');
  return active;
}

/**
 * Runs `first` while the provider holds every start, then `second` (after `between`), then lets the
 * starts go: the two requests interleave on the call's claim deterministically.
 */
async function whileStartIsHeld<A, B>(first: () => Promise<A>, second: () => Promise<B>, between = () => {}) {
  const release = media.holdStarts();
  const a = first();
  await new Promise((resolve) => setImmediate(resolve));
  between();
  const b = second();
  await new Promise((resolve) => setImmediate(resolve));
  release();
  return [a, b] as const;
}

async function errorOf(promise: Promise<unknown>): Promise<[number, string]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return [error.statusCode, error.code];
}

beforeEach(() => {
  memory = createInMemoryStore();
  queue = createRecordingQueue();
  media = createScriptedProvider();
  time = createManualClock();
  deps = {
    store: memory.store,
    queue: queue.queue,
    provider: media.provider,
    clock: time.clock,
    ids: createSequentialIds(),
    logger: createMemoryLogger(),
    settings: { claimLeaseMs: LEASE },
  };
  memory.apiKeys.set(hashApiKey(KEY), {
    key_hash: hashApiKey(KEY),
    application_id: 'app_123',
    customer_id: 'cust_123',
    status: 'active',
    application_status: 'active',
  });
  memory.calls.set('call_123', structuredClone(baseCall));
});

describe('controlRecording', () => {
  it('answers the spec response for a start', async () => {
    const result = await controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, deps);

    expect(result).toEqual({
      call_id: 'call_123',
      provider_call_id: 'uuid',
      action: 'start',
      recording: startedRecording(),
    });
  });

  it('refuses a missing key before reading anything', async () => {
    memory.calls.clear();
    expect(
      await errorOf(controlRecording({ apiKey: undefined, callId: 'bad', command: start }, deps)),
    ).toEqual([401, 'unauthorized']);
  });

  it('answers 404 for a call of another customer of the same application', async () => {
    memory.calls.set('call_123', { ...structuredClone(baseCall), customer_id: 'cust_other' });
    expect(
      await errorOf(controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, deps)),
    ).toEqual([404, 'active_call_not_found']);
  });
});

describe('startRecording', () => {
  it('commits the started recording and queues recording.started', async () => {
    await startRecording(memory.calls.get('call_123'), deps);

    expect([...memory.recordings.values()]).toEqual([startedRecording()]);
    expect(queue.sent.map((e) => [e.event_type, e.event_id])).toEqual([['recording.started', 'evt_2']]);
  });

  it('waits for a start in flight and returns its recording without a second provider command', async () => {
    const [first, second] = await whileStartIsHeld(
      () => startRecording(storedCall(), deps),
      () => startRecording(storedCall(), deps),
    );
    const [a, b] = await Promise.all([first, second]);

    expect(b).toEqual(a);
    expect(media.commands).toEqual(['start rec_call_123']);
  });

  it('takes over a start claim older than the lease, stopping the channel before starting again', async () => {
    storedCall().recording_seq = 1;
    seedStaleStartClaim();

    const recording = await startRecording(memory.calls.get('call_123'), deps);

    expect(recording.id).toBe('rec_call_123');
    expect(media.commands).toEqual(['stop rec_call_123', 'start rec_call_123']);
  });

  it("answers 503 call_busy to a start whose claim was taken over, keeping the taker's recording", async () => {
    const [slow, taker] = await whileStartIsHeld(
      () => startRecording(storedCall(), deps),
      () => startRecording(storedCall(), deps),
      () => time.advance(LEASE),
    );

    expect(await errorOf(slow)).toEqual([503, 'call_busy']);
    expect((await taker).id).toBe('rec_call_123');
    expect([...memory.recordings.values()].map((r) => [r.id, r.status])).toEqual([
      ['rec_call_123', 'started'],
    ]);
    expect(queue.sent.map((e) => e.event_type)).toEqual(['recording.started']);
  });

  it('returns the started recording while a stop of it is in flight', async () => {
    await startRecording(memory.calls.get('call_123'), deps);
    activeRecording().state = 'stopping';

    expect(await startRecording(memory.calls.get('call_123'), deps)).toEqual(startedRecording());
  });

  it('gives up with 503 call_busy when other requests keep holding the call', async () => {
    // Every read finds a fresh claim by some other request, so it is never stale and never free.
    const busyCall = () => {
      const call = structuredClone(storedCall());
      call.active_recording = {
        state: 'starting',
        recording_id: 'rec_call_123',
        seq: 1,
        claim_id: `clm_other_${time.clock.now().getTime()}`,
        claimed_at: time.clock.now().getTime(),
      };
      return call;
    };
    deps.store = { ...memory.store, getCall: async () => busyCall() };

    expect(await errorOf(startRecording(busyCall(), deps))).toEqual([503, 'call_busy']);
    expect(media.commands).toEqual([]);
  });

  it('stores a failed recording, queues recording.failed and frees the call when the provider refuses', async () => {
    media.failNextCommand('start');

    expect(await errorOf(startRecording(memory.calls.get('call_123'), deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect([...memory.recordings.values()].map((r) => r.status)).toEqual(['failed']);
    expect(queue.sent.map((e) => e.event_type)).toEqual(['recording.failed']);
    expect(memory.calls.get('call_123')?.active_recording).toBeUndefined();
  });

  it('keeps the event in the outbox when the queue is down', async () => {
    queue.setFailing(true);
    await startRecording(memory.calls.get('call_123'), deps);

    expect([...memory.outbox.values()].map((e) => e.event_type)).toEqual(['recording.started']);
  });
});

describe('stopRecording', () => {
  it('completes the recording with what the provider measured', async () => {
    await startRecording(memory.calls.get('call_123'), deps);
    time.advance(12_000);
    const recording = await stopRecording(memory.calls.get('call_123'), deps);

    expect(recording).toEqual({
      ...startedRecording(),
      status: 'completed',
      file_url: 'https://media.test/rec_call_123.wav',
      duration_seconds: 12,
      size_bytes: 192_044,
      updated_at: '2026-11-24T10:00:12Z',
    });
    expect(memory.calls.get('call_123')?.active_recording).toBeUndefined();
  });

  it('answers 404 recording_not_started while only a stale start claim exists', async () => {
    seedStaleStartClaim();

    expect(await errorOf(stopRecording(memory.calls.get('call_123'), deps))).toEqual([
      404,
      'recording_not_started',
    ]);
  });

  it('waits for a start in flight and then stops it', async () => {
    const [starting, stopping] = await whileStartIsHeld(
      () => startRecording(storedCall(), deps),
      () => stopRecording(storedCall(), deps),
    );

    await starting;
    expect((await stopping).status).toBe('completed');
    expect(media.commands).toEqual(['start rec_call_123', 'stop rec_call_123']);
  });

  it('takes over a stop claim older than the lease', async () => {
    await startRecording(memory.calls.get('call_123'), deps);
    Object.assign(activeRecording(), {
      state: 'stopping',
      claim_id: 'clm_dead',
      claimed_at: time.clock.now().getTime() - LEASE,
    });

    expect((await stopRecording(memory.calls.get('call_123'), deps)).status).toBe('completed');
  });

  it('gives the claim back when the provider refuses, so a retry can stop', async () => {
    await startRecording(memory.calls.get('call_123'), deps);
    media.failNextCommand('stop');

    expect(await errorOf(stopRecording(memory.calls.get('call_123'), deps))).toEqual([
      502,
      'recording_stop_failed',
    ]);
    expect(memory.calls.get('call_123')?.active_recording?.state).toBe('started');
    expect((await stopRecording(memory.calls.get('call_123'), deps)).status).toBe('completed');
  });
});

describe('sweepOutbox', () => {
  it('leaves events younger than the grace period to their own request', async () => {
    queue.setFailing(true);
    await startRecording(memory.calls.get('call_123'), deps);
    queue.setFailing(false);

    expect(await sweepOutbox(deps, { graceMs: 30_000, batchSize: 10 })).toEqual({ found: 0, dispatched: 0 });
  });

  it('queues and clears events older than the grace period', async () => {
    queue.setFailing(true);
    await startRecording(memory.calls.get('call_123'), deps);
    queue.setFailing(false);
    time.advance(31_000);

    expect(await sweepOutbox(deps, { graceMs: 30_000, batchSize: 10 })).toEqual({ found: 1, dispatched: 1 });
    expect(queue.sent.map((e) => e.event_type)).toEqual(['recording.started']);
    expect(memory.outbox.size).toBe(0);
  });
});
