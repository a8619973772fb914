import { beforeEach, describe, expect, it } from 'vitest';
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
  it('commits the started recording and queues recording.started', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);

    expect([...f.state.recordings.values()]).toEqual([startedRecording()]);
    expect(f.queue.sent.map((e) => [e.event_type, e.event_id])).toEqual([['recording.started', 'evt_2']]);
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

  it('takes over a start claim older than the lease, stopping the channel before starting again', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();

    const recording = await startRecording(f.state.calls.get('call_123'), f.deps);

    expect(recording.id).toBe('rec_call_123');
    expect(f.media.commands).toEqual(['stop rec_call_123', 'start rec_call_123']);
  });

  it("answers 503 call_busy to a start whose claim was taken over, keeping the taker's recording", async () => {
    const [slow, taker] = await f.whileStartIsHeld(
      () => startRecording(f.storedCall(), f.deps),
      () => startRecording(f.storedCall(), f.deps),
      () => f.time.advance(LEASE),
    );

    expect(await errorOf(slow)).toEqual([503, 'call_busy']);
    expect((await taker).id).toBe('rec_call_123');
    expect([...f.state.recordings.values()].map((r) => [r.id, r.status])).toEqual([
      ['rec_call_123', 'started'],
    ]);
    expect(f.queue.sent.map((e) => e.event_type)).toEqual(['recording.started']);
  });

  it('returns the started recording while a stop of it is in flight', async () => {
    await startRecording(f.state.calls.get('call_123'), f.deps);
    f.activeRecording().state = 'stopping';

    expect(await startRecording(f.state.calls.get('call_123'), f.deps)).toEqual(startedRecording());
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
    f.media.failNextCommand('start');

    expect(await errorOf(startRecording(f.state.calls.get('call_123'), f.deps))).toEqual([
      502,
      'recording_start_failed',
    ]);
    expect([...f.state.recordings.values()].map((r) => r.status)).toEqual(['failed']);
    expect(f.queue.sent.map((e) => e.event_type)).toEqual(['recording.failed']);
    expect(f.state.calls.get('call_123')?.active_recording).toBeUndefined();
  });

  it('answers the started recording and leaves its event in the outbox for the sweep when the queue is down', async () => {
    f.queue.setFailing(true);

    const recording = await startRecording(f.state.calls.get('call_123'), f.deps);

    expect(recording).toEqual(startedRecording());
    expect([...f.state.outbox.values()].map((e) => [e.event_type, e.event_id])).toEqual([
      ['recording.started', 'evt_2'],
    ]);
    expect(f.logger.lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'warn',
        message: 'event left in outbox for the sweep',
        event_id: 'evt_2',
        event_type: 'recording.started',
        error: 'Error: queue unavailable',
      },
    ]);
  });
});
