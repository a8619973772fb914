import { beforeEach, describe, expect, it } from 'vitest';
import { deleteRecording, deleteRecordingById } from '../../../shared/archive/delete-recording.ts';
import { recordingDownload } from '../../../shared/archive/download-recording.ts';
import { PURGE_RETRY_MS, purgeDueRecordings } from '../../../shared/archive/purge-recordings.ts';
import { getOwnedRecording, listCallRecordings } from '../../../shared/archive/read-recordings.ts';
import { decodeCursor, encodeCursor } from '../../../shared/archive/request-params.ts';
import { startRecording } from '../../../shared/recordings/start-recording.ts';
import { stopRecording } from '../../../shared/recordings/stop-recording.ts';
import {
  API_URL,
  createRecordingFixture,
  errorOf,
  KEY,
  startedRecording,
} from '../../support/recording-use-case-fixture.ts';

let f: ReturnType<typeof createRecordingFixture>;
const DAY = 86_400_000;
const OBJECT = (id = 'rec_call_123') => `recordings/cust_123/call_123/${id}.wav`;
const completed = (id = 'rec_call_123', at = '2026-11-24T10:00:00Z') => ({
  ...startedRecording(id, at),
  status: 'completed' as const,
  storage_type: 's3' as const,
  file_url: `${API_URL}/v1/recordings/${id}/media`,
  duration_seconds: 12,
  size_bytes: 192_044,
});

/** Records `count` times on call_123 (12 s each, stored by the fixture's relay). */
async function record(count = 1) {
  for (let i = 0; i < count; i += 1) {
    await startRecording(f.storedCall(), f.deps);
    await stopRecording(f.storedCall(), f.deps);
  }
}
/** GET /v1/calls/call_123/recordings, with the fixture's key unless another (or `null`: none) is given. */
const list = (query: { limit?: string; cursor?: string } = {}, apiKey: string | null = KEY) =>
  listCallRecordings(
    { apiKey: apiKey ?? undefined, callId: 'call_123', limit: query.limit, cursor: query.cursor },
    f.archiveDeps,
  );

beforeEach(() => {
  f = createRecordingFixture();
});

describe('listCallRecordings', () => {
  it('pages through a call’s recordings oldest first', async () => {
    await record(3);

    const first = await list({ limit: '2' });
    const second = await list({ limit: '2', cursor: first.next_cursor ?? '' });

    expect(first).toEqual({
      data: [completed(), completed('rec_call_123_2')],
      next_cursor: encodeCursor('call_123', 2),
    });
    expect(second).toEqual({ data: [completed('rec_call_123_3')], next_cursor: null });
  });

  it('authenticates before judging anything else', async () => {
    expect(await errorOf(list({ limit: '0' }, null))).toEqual([401, 'unauthorized']);
    expect(await errorOf(list({ limit: '0' }, 'mv_test_unknownkey000000000000'))).toEqual([
      401,
      'unauthorized',
    ]);
  });

  it('judges the query before looking for the call', async () => {
    f.state.calls.delete('call_123');

    expect(await errorOf(list({ limit: '500' }))).toEqual([400, 'invalid_request']);
    expect(await errorOf(list())).toEqual([404, 'call_not_found']);
  });

  it('answers another application’s call as missing', async () => {
    f.storedCall().application_id = 'app_other';

    expect(await errorOf(list())).toEqual([404, 'call_not_found']);
  });
});

describe('cursors', () => {
  it('round-trip, and are refused for another call or when altered', () => {
    const cursor = encodeCursor('call_123', 7);

    expect(decodeCursor(cursor, 'call_123')).toBe(7);
    expect(() => decodeCursor(cursor, 'call_456')).toThrow('cursor is not one this list gave for this call');
    expect(() => decodeCursor(`${cursor}x`, 'call_123')).toThrow(
      'cursor is not one this list gave for this call',
    );
    expect(() =>
      decodeCursor(Buffer.from('{"v":1,"call":"call_123","after":-1}').toString('base64url'), 'call_123'),
    ).toThrow('cursor is not one this list gave for this call');
  });
});

describe('getOwnedRecording', () => {
  it('answers the recording its application owns', async () => {
    await record();

    expect(await getOwnedRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps)).toEqual(
      completed(),
    );
  });

  it('answers another application’s recording exactly as a missing one', async () => {
    await record();
    const recording = f.state.recordings.get('rec_call_123');
    if (recording) recording.application_id = 'app_other';

    expect(
      await errorOf(getOwnedRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps)),
    ).toEqual(
      await errorOf(getOwnedRecording({ apiKey: KEY, recordingId: 'rec_call_123_9' }, f.archiveDeps)),
    );
  });
});

describe('recordingDownload', () => {
  it('links to the recording’s own object, named for download, for the default 300 s', async () => {
    await record();

    expect(
      await recordingDownload(
        { apiKey: KEY, recordingId: 'rec_call_123', expiresIn: undefined },
        f.archiveDeps,
      ),
    ).toEqual({
      location: `https://storage.test/${OBJECT()}?expires_in=300&file=rec_call_123.wav`,
      expiresInSeconds: 300,
    });
  });

  it('answers 409 while started, 410 once deleted', async () => {
    await startRecording(f.storedCall(), f.deps);
    const whileStarted = await errorOf(
      recordingDownload({ apiKey: KEY, recordingId: 'rec_call_123', expiresIn: undefined }, f.archiveDeps),
    );
    await stopRecording(f.storedCall(), f.deps);
    await deleteRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps);

    expect([
      whileStarted,
      await errorOf(
        recordingDownload({ apiKey: KEY, recordingId: 'rec_call_123', expiresIn: '60' }, f.archiveDeps),
      ),
    ]).toEqual([
      [409, 'recording_not_completed'],
      [410, 'recording_deleted'],
    ]);
  });
});

describe('deleteRecording', () => {
  it('removes the audio and leaves a tombstone, sending recording.deleted once, however often asked', async () => {
    await record();

    const first = await deleteRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps);
    const again = await deleteRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps);

    expect(first).toEqual({ ...completed(), status: 'deleted', file_url: '' });
    expect(again).toEqual(first);
    expect(f.storage.objects.has(OBJECT())).toBe(false);
    expect(f.state.purges.has('rec_call_123')).toBe(false);
    expect(f.committedEvents().filter(([type]) => type === 'recording.deleted')).toEqual([
      [
        'recording.deleted',
        {
          event_key: 'rec_call_123:recording.deleted',
          recording: 'rec_call_123 deleted',
          reason: 'deleted',
          sequence: 3,
        },
      ],
    ]);
  });

  it('keeps the deletion and its purge entry when storage fails, so the sweep finishes it', async () => {
    await record();
    f.storage.setDown(true);

    await expect(
      deleteRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps),
    ).rejects.toThrow('storage is down');
    f.storage.setDown(false);
    const report = await purgeDueRecordings(
      { ...f.archiveDeps, metrics: f.applyDeps.metrics },
      { limit: 10 },
    );

    expect(f.storedRecordings()).toEqual(['rec_call_123 deleted']);
    expect([report, f.storage.objects.has(OBJECT())]).toEqual([
      { expired: 0, finished: 1, failed: 0, more: false },
      false,
    ]);
  });

  it('refuses a started recording with 409 recording_in_progress', async () => {
    await startRecording(f.storedCall(), f.deps);

    expect(
      await errorOf(deleteRecording({ apiKey: KEY, recordingId: 'rec_call_123' }, f.archiveDeps)),
    ).toEqual([409, 'recording_in_progress']);
  });

  it('lets an operator delete by id, and answers 404 for an unknown one', async () => {
    await record();

    expect((await deleteRecordingById('rec_call_123', f.archiveDeps)).status).toBe('deleted');
    expect(await errorOf(deleteRecordingById('rec_call_123_4', f.archiveDeps))).toEqual([
      404,
      'recording_not_found',
    ]);
  });
});

describe('purgeDueRecordings', () => {
  it('purges recordings past retention with reason retention, and nothing before', async () => {
    await record();
    const purge = () => purgeDueRecordings({ ...f.archiveDeps, metrics: f.applyDeps.metrics }, { limit: 10 });

    f.time.advance(89 * DAY);
    const early = await purge();
    f.time.advance(DAY);
    const due = await purge();

    expect([early.expired, due.expired]).toEqual([0, 1]);
    expect(f.committedEvents().at(-1)?.[1]).toEqual({
      event_key: 'rec_call_123:recording.deleted',
      recording: 'rec_call_123 deleted',
      reason: 'retention',
      sequence: 3,
    });
    expect(f.storage.objects.has(OBJECT())).toBe(false);
  });

  it('counts and logs a purge that fails, and tries it again an hour later', async () => {
    await record();
    f.time.advance(91 * DAY);
    f.storage.setDown(true);

    const report = await purgeDueRecordings(
      { ...f.archiveDeps, metrics: f.applyDeps.metrics },
      { limit: 10 },
    );

    expect([report.failed, f.counted('PurgeFailures')]).toEqual([1, 1]);
    expect(f.state.purges.get('rec_call_123')).toBe(f.time.clock.now().getTime() + PURGE_RETRY_MS);
  });

  it('does not let a purge that keeps failing hold up the ones due after it', async () => {
    await record(2);
    f.time.advance(91 * DAY);
    // The first is due first and fails every time: its call is gone.
    f.state.recordings.set('rec_call_123', { ...completed(), call_id: 'call_gone' });
    const purge = () => purgeDueRecordings({ ...f.archiveDeps, metrics: f.applyDeps.metrics }, { limit: 1 });

    const first = await purge();
    const second = await purge();

    expect([first.failed, second.expired]).toEqual([1, 1]);
    expect(f.storedRecordings()).toEqual(['rec_call_123 completed', 'rec_call_123_2 deleted']);
  });
});
