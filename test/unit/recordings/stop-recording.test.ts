import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../shared/kernel/api-error.ts';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import { stopRecording } from '../../../shared/recordings/stop-recording.ts';
import {
  API_URL,
  createRecordingFixture,
  errorOf,
  LEASE,
  STOP_SETTLE,
  startedRecording,
} from '../../support/recording-use-case-fixture.ts';

let f: ReturnType<typeof createRecordingFixture>;
const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  f = createRecordingFixture();
});

describe('stopRecording', () => {
  it('answers with the recording completed from its stored audio once the relay reported it', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.time.advance(12_000);
    const recording = await stopRecording(f.storedCall(), f.deps);

    expect(recording).toEqual({
      ...startedRecording(),
      status: 'completed',
      storage_type: 's3',
      file_url: `${API_URL}/v1/recordings/rec_call_123/media`,
      duration_seconds: 12,
      size_bytes: 192_044,
      updated_at: '2026-11-24T10:00:12Z',
    });
    expect(f.storedCall().active_recording).toBeUndefined();
  });

  it('answers 404 recording_not_started while only a stale start claim exists', async () => {
    f.seedStaleStartClaim();

    expect(await errorOf(stopRecording(f.storedCall(), f.deps))).toEqual([404, 'recording_not_started']);
  });

  it('waits for a start in flight and then stops it', async () => {
    const [starting, stopping] = await f.whileStartIsHeld(
      () => startRecording(f.storedCall(), f.deps),
      () => stopRecording(f.storedCall(), f.deps),
    );

    await starting;
    expect((await stopping).status).toBe('completed');
    expect(f.media.commands).toEqual(['start rec_call_123', 'stop rec_call_123']);
  });

  it('takes over a stop claim older than the lease', async () => {
    await startRecording(f.storedCall(), f.deps);
    Object.assign(f.activeRecording(), {
      state: 'stopping',
      claim_id: 'clm_dead',
      claimed_at: f.time.clock.now().getTime() - LEASE,
    });

    expect((await stopRecording(f.storedCall(), f.deps)).status).toBe('completed');
  });

  it('gives the claim back when the provider refuses, so a retry can stop', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.media.failNext('stop');

    expect(await errorOf(stopRecording(f.storedCall(), f.deps))).toEqual([502, 'recording_stop_failed']);
    expect(f.storedCall().active_recording?.state).toBe('started');
    expect((await stopRecording(f.storedCall(), f.deps)).status).toBe('completed');
  });
});

describe('stopRecording while the audio is being stored, or the file closed already', () => {
  it('answers 502 and keeps the stop claim when the stored file is not reported in time', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.relay.enabled = false;

    const error = (await stopRecording(f.storedCall(), f.deps).then(
      () => undefined,
      (e: unknown) => e,
    )) as ApiError;

    expect([error.statusCode, error.code, error.message]).toEqual([
      502,
      'recording_stop_failed',
      'the recording was stopped but its audio is not stored yet; retry shortly',
    ]);
    expect([f.activeRecording().state, f.storedRecordings()]).toEqual(['stopping', ['rec_call_123 started']]);
    expect(f.time.clock.now().getTime() - Date.parse('2026-11-24T10:00:00Z')).toBeGreaterThanOrEqual(
      STOP_SETTLE,
    );
  });

  it('completes with end_reason stopped when the report comes after the stop gave up', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.relay.enabled = false;
    await errorOf(stopRecording(f.storedCall(), f.deps));

    await f.reportStored('rec_call_123', { duration_ms: 4_520, size_bytes: 72_364 });

    expect(f.committedEvents().at(-1)).toEqual([
      'recording.completed',
      {
        event_key: 'rec_call_123:recording.completed',
        recording: 'rec_call_123 completed',
        end_reason: 'stopped',
        sequence: 2,
      },
    ]);
  });

  it("answers with the recording as the relay's report ended it, when the file had closed", async () => {
    await startRecording(f.storedCall(), f.deps);
    f.media.recording.clear(); // closed behind our back (its limit, or a lost stop reply)

    const stopping = stopRecording(f.storedCall(), f.deps);
    await tick();
    await f.reportStored('rec_call_123', { duration_ms: 4_520, size_bytes: 72_364 });

    expect(await stopping).toEqual({
      ...startedRecording(),
      status: 'completed',
      storage_type: 's3',
      file_url: `${API_URL}/v1/recordings/rec_call_123/media`,
      duration_seconds: 5,
      size_bytes: 72_364,
      updated_at: '2026-11-24T10:00:00Z',
    });
  });

  it('asks whether a stop whose reply was lost went through, and keeps the recording started if not', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.media.failNext('stop', 'no_reply', false);

    expect(await errorOf(stopRecording(f.storedCall(), f.deps))).toEqual([502, 'recording_stop_failed']);
    expect(f.media.commands).toEqual(['start rec_call_123', 'stop rec_call_123', 'probe rec_call_123']);
    expect(f.activeRecording().state).toBe('started');
  });

  it("ends a stop whose reply was lost with the relay's report once it went through", async () => {
    await startRecording(f.storedCall(), f.deps);
    f.media.failNext('stop', 'no_reply', true);

    const stopping = stopRecording(f.storedCall(), f.deps);
    await tick();
    await f.reportStored('rec_call_123', { duration_ms: 4_520, size_bytes: 72_364 });

    expect((await stopping).status).toBe('completed');
    expect(f.media.commands).toEqual(['start rec_call_123', 'stop rec_call_123', 'probe rec_call_123']);
  });

  it('fails a recording whose file kept no audio, with reason empty, without waiting for storage', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.media.setStopOutcome({ kind: 'discarded' });

    expect((await stopRecording(f.storedCall(), f.deps)).status).toBe('failed');
    expect(f.committedEvents().at(-1)).toEqual([
      'recording.failed',
      {
        event_key: 'rec_call_123:recording.failed',
        recording: 'rec_call_123 failed',
        reason: 'empty',
        sequence: 2,
      },
    ]);
  });

  it('adopts and then stops the audio a dead start left running', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();
    f.media.recording.add('rec_call_123');

    expect((await stopRecording(f.storedCall(), f.deps)).status).toBe('completed');
    expect(f.media.commands).toEqual(['probe rec_call_123', 'stop rec_call_123']);
    expect(f.outboxEvents().map((e) => e.event_type)).toEqual(['recording.started', 'recording.completed']);
  });

  it('answers 404 recording_not_started when a dead start left no audio', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();

    expect(await errorOf(stopRecording(f.storedCall(), f.deps))).toEqual([404, 'recording_not_started']);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed']);
  });
});
