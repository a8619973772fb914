import { beforeEach, describe, expect, it } from 'vitest';
import { applyMediaEvent } from '../../../shared/media-events/apply-media-event.ts';
import type { MediaEvent } from '../../../shared/media-events/types.ts';
import { MediaNodeUnnamedError, ProviderError } from '../../../shared/recordings/errors.ts';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import { stopRecording } from '../../../shared/recordings/stop-recording.ts';
import {
  API_URL,
  createRecordingFixture,
  LEASE,
  startedRecording,
  stoppedEvent,
} from '../../support/recording-use-case-fixture.ts';

let f: ReturnType<typeof createRecordingFixture>;
const PATH = '/rec/cust_123/call_123/rec_call_123.wav';
const OBJECT = 'recordings/cust_123/call_123/rec_call_123.wav';
const DAY = 86_400_000;
const base = {
  media_node: 'fs1',
  core_uuid: 'core1',
  at: '2026-11-24T10:00:05.000Z',
  source: 'event' as const,
};
const started = (path = PATH): MediaEvent => ({
  ...base,
  kind: 'recording_started',
  channel_uuid: 'uuid',
  path,
});
/** The relay's report that rec_call_123's file was stored (2.52 s, 40 364 bytes unless overridden). */
type StoppedEvent = Extract<MediaEvent, { kind: 'recording_stopped' }>;
const stopped = (overrides: Partial<StoppedEvent> = {}): StoppedEvent => ({
  ...(stoppedEvent('rec_call_123', {
    kind: 'stored',
    duration_ms: 2_520,
    size_bytes: 40_364,
  }) as StoppedEvent),
  ...overrides,
});
const hangup: MediaEvent = {
  ...base,
  kind: 'channel_hangup',
  channel_uuid: 'uuid',
  hangup_cause: 'NORMAL_CLEARING',
};
const apply = (event: MediaEvent) => applyMediaEvent(event, f.applyDeps);

beforeEach(() => {
  f = createRecordingFixture();
});

describe('applyMediaEvent: recording_started', () => {
  it('changes nothing for the start of a recording the API has committed', async () => {
    await startRecording(f.storedCall(), f.deps);
    const before = f.committedEvents();

    expect(await apply(started())).toEqual({ kind: 'applied', action: 'ours' });
    expect(f.committedEvents()).toEqual(before);
  });

  it('asks to be applied again later while the API is still committing the start', async () => {
    f.storedCall().active_recording = {
      state: 'starting',
      recording_id: 'rec_call_123',
      seq: 1,
      claim_id: 'clm_live',
      claimed_at: f.time.clock.now().getTime(),
    };

    expect(await apply(started())).toEqual({
      kind: 'retry',
      delaySeconds: 2,
      action: 'waiting for the start to commit',
    });
    expect(f.committedEvents()).toEqual([]);
  });

  it('adopts the audio once the request that was committing it has died', async () => {
    f.storedCall().recording_seq = 1;
    f.storedCall().active_recording = {
      state: 'starting',
      recording_id: 'rec_call_123',
      seq: 1,
      claim_id: 'clm_dead',
      claimed_at: f.time.clock.now().getTime(),
    };
    await apply(started());
    f.time.advance(LEASE + 1);

    expect(await apply(started())).toEqual({ kind: 'applied', action: 'adopted' });
    expect(f.storedRecordings()).toEqual(['rec_call_123 started']);
  });

  it('spreads the wait for a long lease over a few tries', async () => {
    f.storedCall().active_recording = {
      state: 'starting',
      recording_id: 'rec_call_123',
      seq: 1,
      claim_id: 'clm_live',
      claimed_at: f.time.clock.now().getTime(),
    };

    const outcome = await applyMediaEvent(started(), {
      ...f.applyDeps,
      settings: { claimLeaseMs: 60_000, publicApiUrl: API_URL },
    });

    expect(outcome).toEqual({ kind: 'retry', delaySeconds: 12, action: 'waiting for the start to commit' });
  });

  it('adopts the audio of a start whose request died before committing', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();

    expect(await apply(started())).toEqual({ kind: 'applied', action: 'adopted' });
    expect(f.storedRecordings()).toEqual(['rec_call_123 started']);
    expect(f.committedEvents().map(([type]) => type)).toEqual(['recording.started']);
  });

  it('stops, logs and counts an orphan: a file no live recording owns', async () => {
    f.media.recording.add('rec_call_123');

    expect(await apply(started())).toEqual({ kind: 'applied', action: 'orphan stopped' });
    expect(f.media.commands).toEqual([`stop-file fs1 uuid ${PATH}`]);
    expect(f.counted('OrphanRecordings')).toBe(1);
    expect(f.logger.lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'error',
        message: 'orphan recording stopped',
        node: 'fs1',
        channel_uuid: 'uuid',
        recording_id: 'rec_call_123',
        call_id: 'call_123',
        source: 'event',
      },
    ]);
  });

  it('logs and counts, without retrying, an orphan whose event names no media server while several are configured', async () => {
    const unnamed = { ...started(), media_node: undefined };
    const fleet = {
      ...f.applyDeps,
      provider: {
        ...f.applyDeps.provider,
        stopFile: async () => {
          throw new MediaNodeUnnamedError(['fs-a', 'fs-b']);
        },
      },
    };

    expect(await applyMediaEvent(unnamed, fleet)).toEqual({
      kind: 'applied',
      action: 'orphan not stopped: the event names no media server',
    });
    expect(f.counted('OrphanRecordings')).toBe(1);
    expect(f.logger.lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'error',
        message: 'orphan recording cannot be stopped',
        reason:
          'the event names no media server (a version 2 message, from a relay older than the fleet) and ' +
          'several are configured (fs-a, fs-b): it may still be recording; stop it on its node by hand ' +
          '(uuid_record <channel_uuid> stop <path>) or hang its channel up',
        channel_uuid: 'uuid',
        path: PATH,
        recording_id: 'rec_call_123',
        call_id: 'call_123',
        source: 'event',
      },
    ]);
  });

  it('lets any other failure to stop an orphan fail the event, so the queue tries it again', async () => {
    const failing = {
      ...f.applyDeps,
      provider: {
        ...f.applyDeps.provider,
        stopFile: async () => {
          throw new ProviderError('connection refused', 'unreachable');
        },
      },
    };

    await expect(applyMediaEvent(started(), failing)).rejects.toThrow('connection refused');
  });

  it('counts no orphan for the late start of a file that has closed already', async () => {
    expect(await apply(started())).toEqual({
      kind: 'applied',
      action: 'ignored: late start of a closed file',
    });
    expect(f.counted('OrphanRecordings')).toBe(0);
  });

  it('ignores a file that is not named like ours', async () => {
    expect(await apply(started('/var/spool/voicemail/msg.wav'))).toEqual({
      kind: 'applied',
      action: 'ignored: not a file of ours',
    });
    expect(f.media.commands).toEqual([]);
  });
});

describe('applyMediaEvent: recording_stopped', () => {
  beforeEach(async () => {
    await startRecording(f.storedCall(), f.deps);
    f.relay.enabled = false;
    f.storage.objects.set(OBJECT, 40_364);
  });

  it('completes a started recording from its stored audio when the media server closed the file', async () => {
    expect(await apply(stopped())).toEqual({ kind: 'applied', action: 'completed (media_server)' });
    expect(f.state.recordings.get('rec_call_123')).toEqual({
      ...startedRecording(),
      status: 'completed',
      storage_type: 's3',
      file_url: `${API_URL}/v1/recordings/rec_call_123/media`,
      duration_seconds: 3,
      size_bytes: 40_364,
    });
    expect(f.committedEvents().at(-1)).toEqual([
      'recording.completed',
      {
        event_key: 'rec_call_123:recording.completed',
        recording: 'rec_call_123 completed',
        end_reason: 'media_server',
        sequence: 2,
      },
    ]);
  });

  it("takes the size from the stored object, not from the relay's report", async () => {
    await apply(stopped({ file: { kind: 'stored', duration_ms: 2_520, size_bytes: 999_999 } }));

    expect(f.state.recordings.get('rec_call_123')?.size_bytes).toBe(40_364);
  });

  it('refuses to complete a recording whose reported object does not exist, so the event is tried again', async () => {
    f.storage.objects.clear();

    await expect(apply(stopped())).rejects.toThrow(`reported stored, but there is no object ${OBJECT}`);
    expect(f.storedRecordings()).toEqual(['rec_call_123 started']);
  });

  it("schedules the purge of the audio at the end of its application's retention", async () => {
    f.state.applications.set('app_123', {
      id: 'app_123',
      customer_id: 'cust_123',
      status: 'active',
      retention_days: 30,
    });

    await apply(stopped());

    expect(f.state.purges.get('rec_call_123')).toBe(Date.parse('2026-11-24T10:00:00Z') + 30 * DAY);
  });

  it('schedules no purge when the application keeps recordings forever (retention 0)', async () => {
    f.state.applications.set('app_123', {
      id: 'app_123',
      customer_id: 'cust_123',
      status: 'active',
      retention_days: 0,
    });

    await apply(stopped());

    expect(f.state.purges.has('rec_call_123')).toBe(false);
  });

  it('completes it by hangup and ends the call in the same commit, the webhook showing the ended call', async () => {
    expect(await apply(stopped({ channel_ended: true }))).toEqual({
      kind: 'applied',
      action: 'completed (hangup)',
    });
    expect(f.storedCall().status).toBe('completed');
    expect(f.storedCall().active_recording).toBeUndefined();
    const body = JSON.parse([...f.state.outbox.values()].at(-1)?.body ?? '{}');
    expect([body.call.status, body.data.end_reason]).toEqual(['completed', 'hangup']);
  });

  it('counts a recording the hangup completed, by the status it ended in', async () => {
    await apply(stopped({ channel_ended: true }));

    expect(f.metrics.points.filter((point) => point.name === 'HangupCompletions')).toEqual([
      { name: 'HangupCompletions', value: 1, unit: 'Count', dimensions: { status: 'completed' } },
    ]);
  });

  it('counts no hangup completion for a recording the media server closed on its own', async () => {
    await apply(stopped());

    expect(f.counted('HangupCompletions')).toBe(0);
  });

  it('ends a recording being stopped by the API with end_reason stopped', async () => {
    f.activeRecording().state = 'stopping';

    expect(await apply(stopped())).toEqual({ kind: 'applied', action: 'completed (stopped)' });
  });

  it('fails a recording whose file FreeSWITCH discarded, with reason empty', async () => {
    await apply(stopped({ file: { kind: 'discarded' } }));

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

  it('completes a recording whose stored file is only a header, with no length (a file was kept)', async () => {
    f.storage.objects.set(OBJECT, 44);

    await apply(stopped({ file: { kind: 'stored', duration_ms: 0, size_bytes: 44 } }));

    expect(f.state.recordings.get('rec_call_123')).toEqual({
      ...startedRecording(),
      status: 'completed',
      storage_type: 's3',
      file_url: `${API_URL}/v1/recordings/rec_call_123/media`,
      duration_seconds: 0,
      size_bytes: 44,
    });
  });

  it('removes stored audio of a recording reported not storable (an upload whose reply was lost)', async () => {
    await apply(stopped({ file: { kind: 'storage_failed' } }));

    expect(f.storage.objects.has(OBJECT)).toBe(false);
  });

  it('fails a recording whose audio could not be stored, with reason storage_failed, and counts it', async () => {
    await apply(stopped({ file: { kind: 'storage_failed' } }));

    expect(f.state.recordings.get('rec_call_123')).toEqual({
      ...startedRecording(),
      status: 'failed',
    });
    expect(f.committedEvents().at(-1)).toEqual([
      'recording.failed',
      {
        event_key: 'rec_call_123:recording.failed',
        recording: 'rec_call_123 failed',
        reason: 'storage_failed',
        sequence: 2,
      },
    ]);
    expect(f.counted('StorageFailures')).toBe(1);
  });

  it('changes nothing, and keeps the audio, the second time the same stop arrives', async () => {
    await apply(stopped());
    const before = f.committedEvents().length;

    expect(await apply(stopped())).toEqual({
      kind: 'applied',
      action: 'ignored: a completed recording reported again',
    });
    expect(f.committedEvents()).toHaveLength(before);
    expect(f.storage.objects.get(OBJECT)).toBe(40_364);
  });

  it('changes nothing for the stop of a recording the API completed already', async () => {
    f.relay.enabled = true;
    await stopRecording(f.storedCall(), f.deps);

    await apply(stopped());

    expect(f.committedEvents().map(([type]) => type)).toEqual(['recording.started', 'recording.completed']);
  });

  it('re-reads and applies again when an API stop claims the recording between its read and its commit', async () => {
    const store = f.applyDeps.store;
    let raced = false;
    f.applyDeps.store = {
      ...store,
      async commitEnded(claim, end) {
        if (!raced) {
          raced = true;
          Object.assign(f.activeRecording(), { state: 'stopping', claim_id: 'clm_api_stop' });
        }
        return store.commitEnded(claim, end);
      },
    };

    expect(await apply(stopped())).toEqual({ kind: 'applied', action: 'completed (stopped)' });
  });
});

describe('applyMediaEvent: stored audio no live recording owns', () => {
  const ORPHAN = 'recordings/cust_123/call_123/rec_call_123_7.wav';
  const orphan = () =>
    stoppedEvent('rec_call_123_7', { kind: 'stored', duration_ms: 2_520, size_bytes: 40_364 });

  it('removes stored audio of no recording at all, and counts it', async () => {
    f.storage.objects.set(ORPHAN, 40_364);

    expect(await apply(orphan())).toEqual({ kind: 'applied', action: 'orphan audio removed' });
    expect([f.storage.objects.has(ORPHAN), f.counted('OrphanAudioRemoved')]).toEqual([false, 1]);
  });

  it('removes stored audio of a recording that failed to start', async () => {
    f.media.failNext('start', 'no_reply', false);
    f.media.failNext('probe', 'unreachable');
    await startRecording(f.storedCall(), f.deps).catch(() => undefined);
    f.time.advance(LEASE);
    await startRecording(f.storedCall(), f.deps).catch(() => undefined);
    const failed =
      f
        .storedRecordings()
        .find((r) => r.endsWith(' failed'))
        ?.split(' ')[0] ?? '?';
    const key = `recordings/cust_123/call_123/${failed}.wav`;
    f.storage.objects.set(key, 40_364);

    await apply(stoppedEvent(failed, { kind: 'stored', duration_ms: 2_520, size_bytes: 40_364 }));

    expect(f.storage.objects.has(key)).toBe(false);
  });
});

describe('applyMediaEvent: a stop that arrives before the start is committed', () => {
  it('asks to be applied again later while the API is still committing the start', async () => {
    f.storedCall().active_recording = {
      state: 'starting',
      recording_id: 'rec_call_123',
      seq: 1,
      claim_id: 'clm_live',
      claimed_at: f.time.clock.now().getTime(),
    };

    expect(await apply(stopped())).toEqual({
      kind: 'retry',
      delaySeconds: 2,
      action: 'waiting for the start to commit',
    });
  });

  it('adopts and ends, in one commit, a recording whose starting request died', async () => {
    f.storedCall().recording_seq = 1;
    f.seedStaleStartClaim();
    f.time.advance(LEASE);
    f.storage.objects.set(OBJECT, 40_364);

    await apply(stopped());

    expect(f.committedEvents().map(([type, data]) => [type, data.sequence])).toEqual([
      ['recording.started', 1],
      ['recording.completed', 2],
    ]);
  });
});

describe('applyMediaEvent: channel_hangup', () => {
  it('ends the active call of the channel', async () => {
    expect(await apply(hangup)).toEqual({ kind: 'applied', action: 'call ended' });
    expect(f.storedCall().status).toBe('completed');
  });

  it('ignores a channel no call has', async () => {
    expect(await apply({ ...hangup, channel_uuid: 'b-leg' })).toEqual({
      kind: 'applied',
      action: 'ignored: no call on this channel',
    });
  });

  it('leaves a recording running for its RECORD_STOP, which then completes it by hangup', async () => {
    await startRecording(f.storedCall(), f.deps);
    f.storage.objects.set(OBJECT, 40_364);

    await apply(hangup);
    await apply(stopped({ channel_ended: undefined }));

    expect(f.storedRecordings()).toEqual(['rec_call_123 completed']);
    const body = JSON.parse([...f.state.outbox.values()].at(-1)?.body ?? '{}');
    expect([body.call.status, body.data.end_reason]).toEqual(['completed', 'hangup']);
  });
});
