import { beforeEach, describe, expect, it } from 'vitest';
import { applyMediaEvent } from '../../../shared/media-events/apply-media-event.ts';
import type { MediaEvent } from '../../../shared/media-events/types.ts';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import { stopRecording } from '../../../shared/recordings/stop-recording.ts';
import {
  createRecordingFixture,
  errorOf,
  LEASE,
  STOP_SETTLE,
  startedRecording,
} from '../../support/recording-use-case-fixture.ts';

let f: ReturnType<typeof createRecordingFixture>;

beforeEach(() => {
  f = createRecordingFixture();
});

describe('stopRecording', () => {
  it('completes the recording with what the provider measured', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.time.advance(12_000);
    const recording = await stopRecording(f.state.calls.get('call_123'), f.deps);

    expect(recording).toEqual({
      ...startedRecording(),
      status: 'completed',
      file_url: 'https://media.test/rec_call_123.wav',
      duration_seconds: 12,
      size_bytes: 192_044,
      updated_at: '2026-11-24T10:00:12Z',
    });
    expect(f.state.calls.get('call_123')?.active_recording).toBeUndefined();
  });

  it('answers 404 recording_not_started while only a stale start claim exists', async () => {
    f.seedStaleStartClaim();

    expect(await errorOf(stopRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      404,
      'recording_not_started',
    ]);
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
    await startRecording(f.state.calls.get('call_123'), f.deps);
    Object.assign(f.activeRecording(), {
      state: 'stopping',
      claim_id: 'clm_dead',
      claimed_at: f.time.clock.now().getTime() - LEASE,
    });

    expect((await stopRecording(f.state.calls.get('call_123'), f.deps)).status).toBe('completed');
  });

  it('gives the claim back when the provider refuses, so a retry can stop', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.media.failNext('stop');

    expect(await errorOf(stopRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_stop_failed',
    ]);
    expect(f.state.calls.get('call_123')?.active_recording?.state).toBe('started');
    expect((await stopRecording(f.state.calls.get('call_123'), f.deps)).status).toBe('completed');
  });
});

describe('stopRecording when the file has closed already or the media server does not answer', () => {
  const stoppedEvent = (channelEnded: boolean): MediaEvent => ({
    kind: 'recording_stopped',
    node: 'fs1',
    core_uuid: 'core',
    at: '2026-11-24T10:00:05.000Z',
    source: 'event',
    channel_uuid: 'uuid',
    path: '/rec/call_123/rec_call_123.wav',
    file: { kind: 'closed', duration_ms: 4_520, size_bytes: 72_364 },
    channel_ended: channelEnded,
  });
  const applyDeps = () => ({ ...f.deps, metrics: { count: () => undefined } });

  it("answers with the recording as the media server's own report ended it, when the file had closed", async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.media.recording.clear(); // closed behind our back (its limit, or a lost stop reply)

    const stopping = stopRecording(f.state.calls.get('call_123'), f.deps);
    await new Promise((resolve) => setImmediate(resolve));
    await applyMediaEvent(stoppedEvent(false), applyDeps());

    expect(await stopping).toEqual({
      ...startedRecording(),
      status: 'completed',
      file_url: 'https://media.test/rec_call_123.wav',
      duration_seconds: 5,
      size_bytes: 72_364,
      updated_at: '2026-11-24T10:00:00Z',
    });
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

  it('answers 502 and keeps the recording started when no report of the closed file comes in time', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.media.recording.clear();

    expect(await errorOf(stopRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_stop_failed',
    ]);
    expect(f.activeRecording().state).toBe('started');
    expect(f.time.clock.now().getTime() - Date.parse('2026-11-24T10:00:00Z')).toBeGreaterThanOrEqual(
      STOP_SETTLE,
    );
  });

  it('asks whether a stop whose reply was lost went through, and keeps the recording started if not', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.media.failNext('stop', 'no_reply', false);

    expect(await errorOf(stopRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_stop_failed',
    ]);
    expect(f.media.commands).toEqual(['start rec_call_123', 'stop rec_call_123', 'probe rec_call_123']);
    expect(f.activeRecording().state).toBe('started');
  });

  it("ends a stop whose reply was lost with the media server's report once it went through", async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.media.failNext('stop', 'no_reply', true);

    const stopping = stopRecording(f.state.calls.get('call_123'), f.deps);
    await new Promise((resolve) => setImmediate(resolve));
    await applyMediaEvent(stoppedEvent(false), applyDeps());

    expect((await stopping).status).toBe('completed');
    expect(f.media.commands).toEqual(['start rec_call_123', 'stop rec_call_123', 'probe rec_call_123']);
  });

  it('fails a recording whose file kept no audio, with reason empty', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.media.setStopOutcome({ kind: 'discarded' });

    expect((await stopRecording(f.state.calls.get('call_123'), f.deps)).status).toBe('failed');
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

    expect((await stopRecording(f.state.calls.get('call_123'), f.deps)).status).toBe('completed');
    expect(f.media.commands).toEqual(['probe rec_call_123', 'stop rec_call_123']);
    expect(f.queue.sent.map((e) => e.event_type)).toEqual(['recording.started', 'recording.completed']);
  });

  it('answers 404 recording_not_started when a dead start left no audio', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();

    expect(await errorOf(stopRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      404,
      'recording_not_started',
    ]);
    expect(f.storedRecordings()).toEqual(['rec_call_123 failed']);
  });
});
