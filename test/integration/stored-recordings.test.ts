import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { setRetention } from '../../shared/admin/admin-commands.ts';
import { DependencyUnavailableError } from '../../shared/kernel/api-error.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { callPartition, drainQueue, type SeededTenant, seedTenant } from '../support/aws-fixtures.ts';
import { errorBody, expectedRecording, RFC3339_SECONDS } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness, TEST_API_URL } from '../support/service-harness.ts';

// Part 2's storage and retrieval, end to end: the simulated FreeSWITCH records, the relay stores the
// file in the S3 emulator, the media events complete the recording; then the read, download and delete
// routes through the real handler, and the retention purge.
let h: ServiceHarness;
let call: Call & { provider_call_id: string };
let other: SeededTenant;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `done()` holds or `limitMs` passed (the assertion after it then says what did not happen). */
async function until(done: () => boolean | Promise<boolean>, limitMs = 10_000) {
  for (const end = Date.now() + limitMs; Date.now() < end && !(await done()); ) await pause(50);
}
const DAY = 86_400_000;
const json = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
/** What the S3 adapter throws when storage is out (after the SDK's retries). */
const storageDown = () => new DependencyUnavailableError('recording storage');

/** Records for a moment and stops: the answer is the completed recording. */
async function recordOnce(c: Call, ms = 300) {
  await h.control(c.id, 'start');
  await pause(ms);
  const stop = await h.control(c.id, 'stop');
  return stop.body.data.recording;
}

/** The whole webhook envelopes queued so far (taken off the queue), once the outbox relay caught up. */
async function envelopesOf(harness: ServiceHarness) {
  await harness.outboxRelay.caughtUp();
  return (await drainQueue(harness.sqs, harness.queueUrl)).map((m) => JSON.parse(m.Body ?? ''));
}

/** The spec's webhook envelope of a recording event of `c` (a call still in progress). */
function envelope(c: Call, event: string, data: { recording: { id: string } } & Record<string, unknown>) {
  return {
    event,
    created_at: expect.stringMatching(RFC3339_SECONDS),
    call: {
      id: c.id,
      customer_id: c.customer_id,
      application_id: c.application_id,
      provider_call_id: c.provider_call_id,
      status: 'in_progress',
      direction: c.direction,
      from: c.from,
      to: c.to,
    },
    variables: {},
    data: { event_key: `${data.recording.id}:${event}`, ...data },
  };
}

beforeAll(async () => {
  h = await createServiceHarness();
  other = await seedTenant(h.documents, h.table);
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.release();
  await h.settle(200);
  await h.webhooks();
  call = await h.newCall();
});

describe('GET /v1/recordings/{id}', () => {
  it('answers the completed recording, with its stored size and its download route as file_url', async () => {
    const completed = await recordOnce(call);

    expect(await h.call('GET', `/v1/recordings/rec_${call.id}`)).toEqual({
      statusCode: 200,
      headers: json,
      body: {
        data: expectedRecording(call, {
          status: 'completed',
          file_url: `${TEST_API_URL}/v1/recordings/rec_${call.id}/media`,
          duration_seconds: completed.duration_seconds,
          size_bytes: await h.objectSize(h.objectKeyOf(call)),
        }),
      },
    });
  });

  it('answers a started recording as started, with no file', async () => {
    await h.control(call.id, 'start');

    expect((await h.call('GET', `/v1/recordings/rec_${call.id}`)).body).toEqual({
      data: expectedRecording(call, { status: 'started' }),
    });
  });

  it('answers 404 recording_not_found to an unknown recording', async () => {
    expect(await h.call('GET', `/v1/recordings/rec_${call.id}_9`)).toEqual({
      statusCode: 404,
      headers: json,
      body: errorBody('recording_not_found', 'no recording with this id'),
    });
  });

  it('answers 400 invalid_request to a malformed recording id', async () => {
    for (const id of ['rec_call_bad-id', 'rec_', `rec_${call.id}_1`, `rec_${call.id}_02`, 'call_x']) {
      expect((await h.call('GET', `/v1/recordings/${id}`)).body).toEqual(
        errorBody('invalid_request', 'recording id in the path is malformed'),
      );
    }
  });
});

describe('GET /v1/calls/{id}/recordings', () => {
  it('lists a call’s recordings oldest first, a page at a time', async () => {
    for (let i = 0; i < 3; i += 1) await recordOnce(call, 100);

    const first = await h.call('GET', `/v1/calls/${call.id}/recordings?limit=2`);
    const second = await h.call(
      'GET',
      `/v1/calls/${call.id}/recordings?limit=2&cursor=${first.body.next_cursor}`,
    );

    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual([`rec_${call.id}`, `rec_${call.id}_2`]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect(second.body).toEqual({
      data: [expect.objectContaining({ id: `rec_${call.id}_3`, status: 'completed' })],
      next_cursor: null,
    });
  });

  it('lists twenty by default, and an empty list for a call never recorded', async () => {
    expect(await h.call('GET', `/v1/calls/${call.id}/recordings`)).toEqual({
      statusCode: 200,
      headers: json,
      body: { data: [], next_cursor: null },
    });
  });

  it('keeps listing after the call ended', async () => {
    await h.control(call.id, 'start');
    await pause(300);
    h.freeswitch.hangup(call.provider_call_id);
    await h.settle();

    expect((await h.call('GET', `/v1/calls/${call.id}/recordings`)).body.data).toEqual([
      expect.objectContaining({ id: `rec_${call.id}`, status: 'completed' }),
    ]);
  });

  it.each([
    ['limit=0', 'limit must be an integer from 1 to 100'],
    ['limit=101', 'limit must be an integer from 1 to 100'],
    ['limit=ten', 'limit must be an integer from 1 to 100'],
    ['limit=', 'limit must be an integer from 1 to 100'],
    ['limit=2,3', 'limit must be an integer from 1 to 100'],
    ['cursor=not-a-cursor', 'cursor is not one this list gave for this call'],
    ['cursor=', 'cursor is not one this list gave for this call'],
  ])('answers 400 invalid_request to %s', async (query, message) => {
    expect(await h.call('GET', `/v1/calls/${call.id}/recordings?${query}`)).toEqual({
      statusCode: 400,
      headers: json,
      body: errorBody('invalid_request', message),
    });
  });

  it('refuses a cursor another call’s list gave', async () => {
    const elsewhere = await h.newCall();
    for (let i = 0; i < 2; i += 1) await recordOnce(elsewhere, 100);
    const { next_cursor } = (await h.call('GET', `/v1/calls/${elsewhere.id}/recordings?limit=1`)).body;

    expect((await h.call('GET', `/v1/calls/${call.id}/recordings?cursor=${next_cursor}`)).body).toEqual(
      errorBody('invalid_request', 'cursor is not one this list gave for this call'),
    );
  });

  it('answers 404 call_not_found to an unknown call, and 400 to a malformed call id', async () => {
    expect((await h.call('GET', '/v1/calls/call_doesnotexist/recordings')).body).toEqual(
      errorBody('call_not_found', 'no call with this id'),
    );
    expect((await h.call('GET', '/v1/calls/call_bad-id!/recordings')).body).toEqual(
      errorBody('invalid_request', 'call id in the path is malformed'),
    );
  });
});

describe('GET /v1/recordings/{id}/media', () => {
  it('redirects to a link, valid 300 s, that downloads exactly the stored bytes', async () => {
    const completed = await recordOnce(call);

    const answer = await h.call('GET', `/v1/recordings/rec_${call.id}/media`);
    const download = await fetch(answer.headers.Location ?? '');
    const bytes = Buffer.from(await download.arrayBuffer());

    expect([answer.statusCode, answer.headers['Cache-Control'], answer.body]).toEqual([
      302,
      'no-store, private',
      undefined,
    ]);
    expect(new URL(answer.headers.Location ?? '').searchParams.get('X-Amz-Expires')).toBe('300');
    expect([download.status, download.headers.get('content-type'), bytes.length]).toEqual([
      200,
      'audio/wav',
      completed.size_bytes,
    ]);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="rec_${call.id}.wav"`);
    expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  });

  it('signs the link for expires_in seconds', async () => {
    await recordOnce(call);

    const answer = await h.call('GET', `/v1/recordings/rec_${call.id}/media?expires_in=3600`);

    expect(new URL(answer.headers.Location ?? '').searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it.each(['59', '3601', '0', '5m', '', '300.5', '-60'])(
    'answers 400 invalid_request to expires_in=%j',
    async (value) => {
      await recordOnce(call, 100);

      expect((await h.call('GET', `/v1/recordings/rec_${call.id}/media?expires_in=${value}`)).body).toEqual(
        errorBody('invalid_request', 'expires_in must be an integer from 60 to 3600'),
      );
    },
  );

  it('answers 409 recording_not_completed while the recording is started', async () => {
    await h.control(call.id, 'start');

    expect(await h.call('GET', `/v1/recordings/rec_${call.id}/media`)).toEqual({
      statusCode: 409,
      headers: json,
      body: errorBody(
        'recording_not_completed',
        'the recording has no audio to download; it is not completed',
      ),
    });
  });

  it('is refused by storage once the link has expired', async () => {
    await recordOnce(call);
    // The API's shortest link lives 60 s; sign one for 1 s the same way to see storage refuse it.
    const link = await createS3RecordingMedia(() => h.s3, h.bucket).downloadUrl(h.objectKeyOf(call), {
      expiresInSeconds: 1,
      fileName: 'x.wav',
    });
    await pause(2100);

    const answer = await fetch(link);

    expect([answer.status, (await answer.text()).includes('Request has expired')]).toEqual([403, true]);
  });
});

describe('DELETE /v1/recordings/{id}', () => {
  it('deletes the audio, keeps the recording as deleted, and sends recording.deleted once', async () => {
    const completed = await recordOnce(call);
    await h.settle();
    await h.webhooks();

    const answer = await h.call('DELETE', `/v1/recordings/rec_${call.id}`);
    const again = await h.call('DELETE', `/v1/recordings/rec_${call.id}`);

    expect(answer).toEqual({
      statusCode: 200,
      headers: json,
      body: { data: { ...completed, status: 'deleted', file_url: '' } },
    });
    expect(again).toEqual(answer);
    expect(await h.objectSize(h.objectKeyOf(call))).toBeUndefined();
    expect(await h.webhooks()).toEqual([
      {
        event: 'recording.deleted',
        call_status: 'in_progress',
        recording: `rec_${call.id} deleted`,
        data: { event_key: `rec_${call.id}:recording.deleted`, reason: 'deleted', sequence: 3 },
      },
    ]);
  });

  it('answers 410 recording_deleted to a download of a deleted recording, and shows it deleted', async () => {
    await recordOnce(call);
    await h.call('DELETE', `/v1/recordings/rec_${call.id}`);

    expect(await h.call('GET', `/v1/recordings/rec_${call.id}/media`)).toEqual({
      statusCode: 410,
      headers: json,
      body: errorBody('recording_deleted', 'the recording was deleted; its audio is gone'),
    });
    expect((await h.call('GET', `/v1/calls/${call.id}/recordings`)).body.data[0]).toEqual(
      expect.objectContaining({ status: 'deleted', file_url: '' }),
    );
  });

  it('answers 409 recording_in_progress while the recording is started, changing nothing', async () => {
    await h.control(call.id, 'start');
    const before = await h.stored(call.id);

    expect(await h.call('DELETE', `/v1/recordings/rec_${call.id}`)).toEqual({
      statusCode: 409,
      headers: json,
      body: errorBody('recording_in_progress', 'the recording is still started; stop it before deleting it'),
    });
    expect(await h.stored(call.id)).toEqual(before);
  });

  it('deletes a failed recording too (sequence 2 after a failed start)', async () => {
    h.freeswitch.setFault(() => ({ kind: 'answer', text: '-ERR Cannot locate session!\n' }));
    await h.control(call.id, 'start');
    h.freeswitch.setFault(undefined);
    await h.webhooks();

    const answer = await h.call('DELETE', `/v1/recordings/rec_${call.id}`);

    expect(answer.body.data).toEqual(expectedRecording(call, { status: 'deleted' }));
    expect((await h.webhooks()).map((w) => [w.event, w.data.sequence])).toEqual([['recording.deleted', 2]]);
  });

  it('lets one of two racing deletions commit: both answer the same, one webhook', async () => {
    await recordOnce(call);
    await h.settle();
    await h.webhooks();

    const answers = await Promise.all([
      h.call('DELETE', `/v1/recordings/rec_${call.id}`),
      h.call('DELETE', `/v1/recordings/rec_${call.id}`),
    ]);

    expect(answers[0]).toEqual(answers[1]);
    expect((await h.webhooks()).map((w) => w.event)).toEqual(['recording.deleted']);
  });

  it('keeps the deletion, answers 503 and finishes removing the audio later when storage fails', async () => {
    await recordOnce(call);
    h.wrapMedia((real) => ({ ...real, remove: async () => Promise.reject(storageDown()) }));
    const failed = await h.call('DELETE', `/v1/recordings/rec_${call.id}`);
    h.wrapMedia((real) => real);

    const stillThere = await h.objectSize(h.objectKeyOf(call));
    await h.purge();

    expect([failed.statusCode, failed.body.error.code]).toEqual([503, 'service_unavailable']);
    expect(stillThere).toBeGreaterThan(44);
    expect(await h.objectSize(h.objectKeyOf(call))).toBeUndefined();
    expect((await h.call('GET', `/v1/recordings/rec_${call.id}`)).body.data.status).toBe('deleted');
  });
});

describe('tenant isolation and authentication on every route', () => {
  const routes = (c: Call): [string, string][] => [
    ['GET', `/v1/calls/${c.id}/recordings`],
    ['GET', `/v1/recordings/rec_${c.id}`],
    ['GET', `/v1/recordings/rec_${c.id}/media`],
    ['DELETE', `/v1/recordings/rec_${c.id}`],
  ];

  it('answers another application’s key exactly as for a recording or call that does not exist', async () => {
    await recordOnce(call);
    const missing = routes({ ...call, id: 'call_doesnotexist' });
    for (const [i, [method, path]] of routes(call).entries()) {
      const answer = await h.call(method, path, other.apiKey);
      expect(answer).toEqual(await h.call(method, missing[i]?.[1] ?? '', other.apiKey));
      expect(answer.statusCode).toBe(404);
    }
    expect(await h.objectSize(h.objectKeyOf(call))).toBeGreaterThan(44);
  });

  it('answers 401 without a key, before anything else', async () => {
    for (const [method, path] of [
      ...routes(call),
      ['GET', '/v1/recordings/rec_bad-id!/media?expires_in=1'],
    ]) {
      expect(await h.call(method ?? 'GET', path ?? '', null)).toEqual({
        statusCode: 401,
        headers: { ...json, 'WWW-Authenticate': 'Bearer' },
        body: errorBody('unauthorized', 'a valid API key is required'),
      });
    }
  });

  it('answers 405 with Allow to a method a route does not have', async () => {
    expect(await h.call('PUT', `/v1/recordings/rec_${call.id}`)).toEqual({
      statusCode: 405,
      headers: { ...json, Allow: 'GET, DELETE' },
      body: errorBody('method_not_allowed', 'method not allowed; use GET, DELETE'),
    });
    expect((await h.call('POST', `/v1/recordings/rec_${call.id}/media`)).headers.Allow).toBe('GET');
  });
});

describe('retention', () => {
  const admin = () => ({ store: createDynamoDbAdminStore(h.documents, h.table) });

  it('expires a recording past its application’s retention through the scheduled sweep: audio gone, tombstone, one recording.deleted (retention), download 410', async () => {
    await setRetention({ applicationId: h.tenant.applicationId, days: 1 }, admin());
    const completed = await recordOnce(call);
    await h.settle();
    await h.webhooks();

    const early = await h.purge({ laterByMs: DAY / 2 });
    const due = await h.purge({ laterByMs: DAY + 60_000 });

    const tombstone = { ...completed, status: 'deleted', file_url: '' };
    expect([early, due]).toEqual([
      { expired: 0, finished: 0, failed: 0 },
      { expired: 1, finished: 0, failed: 0 },
    ]);
    expect(await h.objectSize(h.objectKeyOf(call))).toBeUndefined();
    expect((await h.call('GET', `/v1/recordings/rec_${call.id}`)).body).toEqual({ data: tombstone });
    expect((await h.stored(call.id)).recordings.map((r) => r.purge_at)).toEqual([undefined]);
    expect(await envelopesOf(h)).toEqual([
      envelope(call, 'recording.deleted', { recording: tombstone, reason: 'retention', sequence: 3 }),
    ]);
    expect(await h.call('GET', `/v1/recordings/rec_${call.id}/media`)).toEqual({
      statusCode: 410,
      headers: json,
      body: errorBody('recording_deleted', 'the recording was deleted; its audio is gone'),
    });
  });

  it('keeps recordings forever when the application’s retention is 0', async () => {
    await setRetention({ applicationId: h.tenant.applicationId, days: 0 }, admin());
    await recordOnce(call);

    await h.purge({ laterByMs: 3650 * DAY });

    expect((await callPartition(h.documents, h.table, call.id)).recordings[0]?.status).toBe('completed');
  });
});

describe('storage outages', () => {
  it('claims nothing completed while uploads fail; completes once storage is back', async () => {
    h.wrapUploads(() => ({ upload: async () => Promise.reject(new Error('storage down')) }));
    await h.control(call.id, 'start');
    await pause(300);

    const stop = await h.control(call.id, 'stop');
    const meanwhile = (await h.stored(call.id)).recordings.map((r) => r.status);
    h.wrapUploads((real) => real);
    await h.settle(500, 20_000);

    expect([stop.statusCode, stop.body.error?.code, meanwhile]).toEqual([
      502,
      'recording_stop_failed',
      ['started'],
    ]);
    expect((await h.stored(call.id)).recordings.map((r) => [r.status, r.end_reason])).toEqual([
      ['completed', 'stopped'],
    ]);
    expect(await h.objectSize(h.objectKeyOf(call))).toBeGreaterThan(44);
  });

  it('does not complete a recording while its stored object cannot be seen; completes once it can', async () => {
    h.wrapMedia((real) => ({ ...real, sizeOf: async () => Promise.reject(storageDown()) }));
    await h.control(call.id, 'start');
    await pause(300);
    h.freeswitch.hangup(call.provider_call_id);
    await h.settle();
    const meanwhile = (await h.stored(call.id)).recordings.map((r) => r.status);
    h.wrapMedia((real) => real);

    for (let i = 0; i < 100 && (await h.stored(call.id)).recordings[0]?.status !== 'completed'; i += 1) {
      await pause(200);
    }

    expect(meanwhile).toEqual(['started']);
    expect((await h.stored(call.id)).recordings.map((r) => r.status)).toEqual(['completed']);
  }, 40_000);
});

describe('storage that refuses a recording’s audio until the give-up time', () => {
  // A harness of its own, whose relay gives up after half a second (24 h in production): the first
  // upload fails, the retry a second later fails too, and the relay reports storage_failed.
  let s: ServiceHarness;
  let c: Call & { provider_call_id: string };
  const fileOf = (x: Call) =>
    s.files.pathOf({
      providerCallId: x.provider_call_id ?? '',
      recordingId: `rec_${x.id}`,
      callId: x.id,
      customerId: x.customer_id,
      applicationId: x.application_id,
    });
  /** Records, stops while every upload fails, and waits until the relay gave up and that was applied. */
  async function recordRefused() {
    await s.control(c.id, 'start');
    await envelopesOf(s);
    await pause(300);
    await s.control(c.id, 'stop');
    // Until the failure is committed and the relay has finished with the file (it deletes the file
    // just after reporting it), then until nothing more arrives.
    await until(async () => (await s.stored(c.id)).recordings[0]?.status !== 'started');
    await until(() => !existsSync(fileOf(c)));
    await s.settle();
  }

  beforeAll(async () => {
    s = await createServiceHarness({ relay: { uploadGiveUpMs: 500 } });
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(async () => {
    s.wrapUploads(() => ({ upload: async () => Promise.reject(new Error('storage refused the upload')) }));
    await s.settle(200);
    await envelopesOf(s);
    c = await s.newCall();
  });

  it('fails the recording with reason storage_failed, keeping storage_type local, and sends recording.failed once', async () => {
    const failuresBefore = s.counted('StorageFailures');

    await recordRefused();

    const failed = expectedRecording(c, { status: 'failed' });
    expect(await s.call('GET', `/v1/recordings/rec_${c.id}`)).toEqual({
      statusCode: 200,
      headers: json,
      body: { data: failed },
    });
    expect(await envelopesOf(s)).toEqual([
      envelope(c, 'recording.failed', { recording: failed, reason: 'storage_failed', sequence: 2 }),
    ]);
    expect(s.counted('StorageFailures') - failuresBefore).toBe(1);
  });

  it('answers 409 recording_not_completed to a download of the failed recording', async () => {
    await recordRefused();

    expect(await s.call('GET', `/v1/recordings/rec_${c.id}/media`)).toEqual({
      statusCode: 409,
      headers: json,
      body: errorBody(
        'recording_not_completed',
        'the recording has no audio to download; it is not completed',
      ),
    });
  });

  it('leaves no audio anywhere: the media server’s file is deleted, and an upload that landed with its reply lost is removed', async () => {
    const landedFrom = new Set<string>();
    s.wrapUploads((real) => ({
      upload: async (path, key, size) => {
        await real.upload(path, key, size);
        landedFrom.add(path);
        throw new Error('the upload’s reply was lost');
      },
    }));

    await recordRefused();

    expect([...landedFrom]).toEqual([fileOf(c)]);
    expect((await s.stored(c.id)).recordings.map((r) => [r.status, r.failure_reason])).toEqual([
      ['failed', 'storage_failed'],
    ]);
    expect(await s.objectKeys()).toEqual([]);
    expect(existsSync(fileOf(c))).toBe(false);
  });
});
