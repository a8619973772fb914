import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../shared/kernel/api-error.ts';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import type { Call } from '../../../shared/recordings/types.ts';
import {
  createRecordingFixture,
  errorOf,
  LEASE,
  startedRecording,
} from '../../support/recording-use-case-fixture.ts';

let f: ReturnType<typeof createRecordingFixture>;

beforeEach(() => {
  f = createRecordingFixture();
});

describe('startRecording', () => {
  it('commits the started recording with its recording.started event', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);

    expect([...f.state.recordings.values()]).toEqual([startedRecording()]);
    expect(f.outboxEvents().map((e) => [e.event_type, e.event_id])).toEqual([['recording.started', 'evt_2']]);
  });

  it('waits for a start in flight and returns its recording without a second provider command', async () => {
    const [first, second] = await f.whileStartIsHeld(
      () => startRecording(f.storedCall(), f.deps),
      () => startRecording(f.storedCall(), f.deps),
    );
    const [a, b] = await Promise.all([first, second]);

    expect(b).toEqual(a);
    expect(f.media.commands).toEqual(['start rec_call_123']);
  });

  it('settles a start claim older than the lease: with no audio left, it fails and the next recording starts', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();

    const recording = await startRecording(f.state.calls.get('call_123'), f.deps);

    expect(recording.id).toBe('rec_call_123_2');
    expect(f.media.commands).toEqual(['probe rec_call_123', 'start rec_call_123_2']);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed', 'rec_call_123_2 started']);
    expect(f.committedEvents()).toEqual([
      [
        'recording.failed',
        {
          event_key: 'rec_call_123:recording.failed',
          recording: 'rec_call_123 failed',
          reason: 'start_failed',
          sequence: 1,
        },
      ],
      [
        'recording.started',
        { event_key: 'rec_call_123_2:recording.started', recording: 'rec_call_123_2 started', sequence: 1 },
      ],
    ]);
  });

  it('adopts the audio a start claim older than the lease left running, without a second start', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();
    f.media.recording.add('rec_call_123');

    const recording = await startRecording(f.state.calls.get('call_123'), f.deps);

    expect(recording).toEqual({
      ...startedRecording(),
      created_at: '2026-11-24T09:59:50Z',
      updated_at: '2026-11-24T09:59:50Z',
    });
    expect(f.media.commands).toEqual(['probe rec_call_123']);
    expect(f.committedEvents().map(([type]) => type)).toEqual(['recording.started']);
  });

  it('answers 502 to a start whose claim was taken over, after stopping the audio its media command left', async () => {
    const [slow, taker] = await f.whileStartIsHeld(
      () => startRecording(f.storedCall(), f.deps),
      () => startRecording(f.storedCall(), f.deps),
      () => f.time.advance(LEASE),
    );

    expect(await errorOf(slow)).toEqual([502, 'recording_start_failed']);
    expect((await taker).id).toBe('rec_call_123_2');
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed', 'rec_call_123_2 started']);
    expect([...f.media.recording]).toEqual(['rec_call_123_2']);
    expect(f.outboxEvents().map((e) => e.event_type)).toEqual(['recording.failed', 'recording.started']);
  });

  it('waits for a stop in flight to end its recording, then starts the next one', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.relay.enabled = false;
    const { stopRecording } = await import('../../../shared/recordings/stop-recording.ts');
    const stopping = stopRecording(f.storedCall(), f.deps);
    await new Promise((resolve) => setImmediate(resolve));

    const starting = startRecording(f.storedCall(), f.deps);
    await new Promise((resolve) => setImmediate(resolve));
    await f.reportStored('rec_call_123', { duration_ms: 2_000, size_bytes: 32_044 });

    expect([(await stopping).status, (await starting).id]).toEqual(['completed', 'rec_call_123_2']);
  });

  it('answers 503 call_busy, not started, while a stopped recording is still being stored', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.activeRecording().state = 'stopping';

    expect(await errorOf(startRecording(f.storedCall(), f.deps))).toEqual([503, 'call_busy']);
  });

  it('gives up with 503 call_busy when other requests keep holding the call', async () => {
    // Every read finds a fresh claim by some other request, so it is never stale and never free.
    const busyCall = (): Call => {
      const call = structuredClone(f.storedCall());
      call.active_recording = {
        state: 'starting',
        recording_id: 'rec_call_123',
        seq: 1,
        claim_id: `clm_other_${f.time.clock.now().getTime()}`,
        claimed_at: f.time.clock.now().getTime(),
      };
      return call;
    };
    f.deps.store = { ...f.deps.store, getCall: async () => busyCall() };

    expect(await errorOf(startRecording(busyCall(), f.deps))).toEqual([503, 'call_busy']);
    expect(f.media.commands).toEqual([]);
  });

  it('stores a failed recording, queues recording.failed and frees the call when the provider refuses', async () => {
    f.media.failNext('start');

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect([...f.state.recordings.values()].map((r) => r.status)).toEqual(['failed']);
    expect(f.outboxEvents().map((e) => e.event_type)).toEqual(['recording.failed']);
    expect(f.state.calls.get('call_123')?.active_recording).toBeUndefined();
  });
});

describe('startRecording when the media server answers late or not at all', () => {
  it('adopts a start whose reply was lost when the media server is recording it', async () => {
    f.media.failNext('start', 'no_reply', true);

    expect(await startRecording(f.state.calls.get('call_123'), f.deps)).toEqual(startedRecording());
    expect(f.media.commands).toEqual(['start rec_call_123', 'probe rec_call_123']);
    expect(f.committedEvents()).toEqual([
      [
        'recording.started',
        { event_key: 'rec_call_123:recording.started', recording: 'rec_call_123 started', sequence: 1 },
      ],
    ]);
  });

  it('records a start whose reply was lost as failed when the media server is not recording it', async () => {
    f.media.failNext('start', 'no_reply', false);

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed']);
    expect(f.committedEvents()).toEqual([
      [
        'recording.failed',
        {
          event_key: 'rec_call_123:recording.failed',
          recording: 'rec_call_123 failed',
          reason: 'start_failed',
          sequence: 1,
        },
      ],
    ]);
  });

  it('stops the audio of a lost-reply start it cannot ask about, then records it failed', async () => {
    f.media.failNext('start', 'no_reply', true);
    f.media.failNext('probe', 'no_reply');

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect(f.media.commands).toEqual(['start rec_call_123', 'probe rec_call_123', 'stop rec_call_123']);
    expect([...f.media.recording]).toEqual([]);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed']);
  });

  it('leaves the claim for later settling when the media server can be neither asked nor told', async () => {
    f.media.failNext('start', 'no_reply', true);
    f.media.failNext('probe', 'unreachable');
    f.media.failNext('stop', 'unreachable');

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect(f.storedRecordings()).toEqual([]);
    expect(f.activeRecording()).toMatchObject({ state: 'starting', recording_id: 'rec_call_123' });
  });

  it('records a refused start as failed without asking anything more', async () => {
    f.media.failNext('start', 'unreachable');

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect(f.media.commands).toEqual(['start rec_call_123']);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed']);
  });

  it('stops the audio and answers 502 when the commit fails after the media server started', async () => {
    f.deps.store = {
      ...f.deps.store,
      commitStarted: async () => {
        throw new DependencyUnavailableError('storage');
      },
    };

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect(f.media.commands).toEqual(['start rec_call_123', 'stop rec_call_123']);
    expect([...f.media.recording]).toEqual([]);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed']);
  });
});
