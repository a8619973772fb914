import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../shared/recordings/types.ts';
import { expectedData, expectedRecording } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness, TEST_API_URL } from '../support/service-harness.ts';

// A completed recording's file_url follows the API's base URL: the recordings function builds it from
// its own PUBLIC_API_URL whenever it shows a recording, whatever base URL the recording completed under
// (here the media events complete recordings under TEST_API_URL, and the API has moved since, as it
// does from the HTTP API to the REST API's stage URL, or to a custom domain). Webhooks keep theirs.
const MOVED_API_URL = 'https://recordings.minivoice.example/prod';
const json = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

let h: ServiceHarness;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mediaUrl = (base: string, c: Call) => `${base}/v1/recordings/rec_${c.id}/media`;

/** Starts and stops a recording of `c`: the stop's whole answer. */
async function recordOnce(c: Call) {
  await h.control(c.id, 'start');
  await pause(300);
  return h.control(c.id, 'stop');
}

beforeAll(async () => {
  h = await createServiceHarness({ publicApiUrl: MOVED_API_URL });
});
afterAll(async () => {
  await h.close();
});

describe("a completed recording's file_url after the API's base URL changed", () => {
  it('is the current base URL in the stop answer, though the recording was stored under the old one', async () => {
    const call = await h.newCall();

    const stop = await recordOnce(call);

    expect([stop, (await h.stored(call.id)).recordings.map((r) => r.file_url)]).toEqual([
      {
        statusCode: 200,
        headers: json,
        body: expectedData(call, 'stop', {
          status: 'completed',
          file_url: mediaUrl(MOVED_API_URL, call),
          duration_seconds: expect.any(Number),
          size_bytes: await h.objectSize(h.objectKeyOf(call)),
        }),
      },
      [mediaUrl(TEST_API_URL, call)],
    ]);
  });

  it('is the current base URL when the recording is read', async () => {
    const call = await h.newCall();
    const stopped = (await recordOnce(call)).body.data.recording;
    const recording = expectedRecording(call, {
      status: 'completed',
      file_url: mediaUrl(MOVED_API_URL, call),
      duration_seconds: stopped.duration_seconds,
      size_bytes: stopped.size_bytes,
    });

    expect(await h.call('GET', `/v1/recordings/rec_${call.id}`)).toEqual({
      statusCode: 200,
      headers: json,
      body: { data: recording },
    });
  });

  it('is the current base URL in the list of a call’s recordings', async () => {
    const call = await h.newCall();
    const stopped = (await recordOnce(call)).body.data.recording;

    expect(await h.call('GET', `/v1/calls/${call.id}/recordings`)).toEqual({
      statusCode: 200,
      headers: json,
      body: {
        data: [
          expectedRecording(call, {
            status: 'completed',
            file_url: mediaUrl(MOVED_API_URL, call),
            duration_seconds: stopped.duration_seconds,
            size_bytes: stopped.size_bytes,
          }),
        ],
        next_cursor: null,
      },
    });
  });

  it('stays empty once the recording is deleted', async () => {
    const call = await h.newCall();
    const stopped = (await recordOnce(call)).body.data.recording;

    expect(await h.call('DELETE', `/v1/recordings/rec_${call.id}`)).toEqual({
      statusCode: 200,
      headers: json,
      body: {
        data: expectedRecording(call, {
          status: 'deleted',
          storage_type: 's3',
          duration_seconds: stopped.duration_seconds,
          size_bytes: stopped.size_bytes,
        }),
      },
    });
  });

  it('stays what media-events sent in the recording.completed webhook', async () => {
    const call = await h.newCall();
    await h.webhooks();

    await recordOnce(call);
    const completed = (await h.stored(call.id)).outbox
      .map((item) => JSON.parse(String(item.body)))
      .find((body) => body.event === 'recording.completed');

    expect(completed?.data.recording.file_url).toBe(mediaUrl(TEST_API_URL, call));
  });
});
