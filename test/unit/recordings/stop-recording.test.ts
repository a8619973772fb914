import { beforeEach, describe, expect, it } from 'vitest';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import { stopRecording } from '../../../shared/recordings/stop-recording.ts';
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
    f.media.failNextCommand('stop');

    expect(await errorOf(stopRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_stop_failed',
    ]);
    expect(f.state.calls.get('call_123')?.active_recording?.state).toBe('started');
    expect((await stopRecording(f.state.calls.get('call_123'), f.deps)).status).toBe('completed');
  });
});
