import { existsSync } from 'node:fs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../shared/kernel/api-error.ts';
import { serializeMediaEvent } from '../../shared/media-events/media-event-message.ts';
import type { MediaEvent } from '../../shared/media-events/types.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { connectRaw } from '../support/esl-test-client.ts';
import {
  type ApiAnswer,
  createServiceHarness,
  type ServiceHarness,
  TEST_API_URL,
} from '../support/service-harness.ts';
import { requeueStartAsVersion2 } from '../support/version-2-events.ts';

// The recording follows the media server: each scenario of the issue, end to end through the real
// handlers, DynamoDB Local, the SQS and S3 emulators, the simulated FreeSWITCH and the media relay. Each
// asserts the stored state, the media server's state and the exact webhooks.
let h: ServiceHarness;
let call: Call & { provider_call_id: string };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pathOf = (c: Call, recordingId = `rec_${c.id}`) =>
  h.files.pathOf({
    providerCallId: c.provider_call_id ?? '',
    recordingId,
    callId: c.id,
    customerId: c.customer_id,
    applicationId: c.application_id,
  });
/** The stored audio's size: the relay uploads the file, then deletes it from the media server. */
const storedSize = (c: Call, recordingId = `rec_${c.id}`) => h.objectSize(h.objectKeyOf(c, recordingId));
const answerOf = async (answer: Promise<ApiAnswer>) => {
  const { statusCode, body } = await answer;
  return { statusCode, body };
};
/** The recording as `GET /v1/recordings/{id}` shows it. */
const shown = async (recordingId: string) =>
  (await h.call('GET', `/v1/recordings/${recordingId}`)).body?.data;
/** The answer's `data` for a recording of `call`. */
const dataOf = (c: Call & { provider_call_id: string }, action: 'start' | 'stop', recording: unknown) => ({
  data: { call_id: c.id, provider_call_id: c.provider_call_id, action, recording },
});
/** A webhook as the queue holds it (see `QueuedWebhook`). */
const sent = (event: string, callStatus: string, recordingId: string, data: Record<string, unknown>) => ({
  event,
  call_status: callStatus,
  recording: `${recordingId} ${event === 'recording.started' ? 'started' : event.slice('recording.'.length)}`,
  data: { event_key: `${recordingId}:${event}`, ...data },
});
/** Waits until `done` holds (read afresh each time), or `ms` passed: the assertions after it say which. */
async function eventually(done: () => boolean | Promise<boolean>, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await done()) && Date.now() < until) await pause(50);
}
/** What the media events did with each report of `kind` about `path`, in order. */
const outcomesOf = (kind: MediaEvent['kind'], path: string) =>
  h.logger.lines.flatMap((line) => {
    const fields = JSON.parse(line) as Record<string, unknown>;
    return fields.message === 'media event' && fields.kind === kind && fields.path === path
      ? [fields.outcome]
      : [];
  });
/** Whether the media events put off a report of `kind` about `path` until the API's start commits. */
const postponed = (kind: MediaEvent['kind'], path: string) =>
  h.logger.lines.some((line) => {
    const fields = JSON.parse(line) as Record<string, unknown>;
    return (
      fields.message === 'media event' &&
      fields.kind === kind &&
      fields.path === path &&
      fields.outcome === 'waiting for the start to commit'
    );
  });
/**
 * Holds the next `commitStarted` (the API's: the media events never commit a start before the API's
 * claim is stale) until the returned function is called, as a Lambda paused mid-request would.
 */
function holdNextStartCommit(): () => void {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let first = true;
  h.wrapStore((real) => ({
    ...real,
    commitStarted: async (...args) => {
      if (first) {
        first = false;
        await held;
      }
      return real.commitStarted(...args);
    },
  }));
  return release;
}

/** Refuses the next start commit as a storage outage would (nothing written); later ones go through. */
function refuseNextStartCommit(): void {
  let failures = 1;
  h.wrapStore((real) => ({
    ...real,
    commitStarted: async (...args) => {
      if (failures-- > 0) throw new DependencyUnavailableError('storage');
      return real.commitStarted(...args);
    },
  }));
}

beforeAll(async () => {
  h = await createServiceHarness({ claimLeaseMs: 2000 });
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.freeswitch.setFault(undefined);
  h.wrapStore((real) => real);
  h.release();
  await h.settle(300);
  await h.webhooks();
  call = await h.newCall();
});

describe('hangup while recording', () => {
  it('completes the recording with the real duration and size, ends the call, and sends exactly one recording.completed', async () => {
    expect((await h.control(call.id, 'start')).statusCode).toBe(200);
    await pause(1200);

    h.freeswitch.hangup(call.provider_call_id);
    await h.settle();

    const { call: stored, recordings } = await h.stored(call.id);
    const size = (await storedSize(call)) ?? -1;
    expect([stored?.status, stored?.active_recording]).toEqual(['completed', undefined]);
    expect(
      recordings.map((r) => [r.id, r.status, r.storage_type, r.size_bytes, r.duration_seconds, r.end_reason]),
    ).toEqual([[`rec_${call.id}`, 'completed', 's3', size, Math.round((size - 44) / 16_000), 'hangup']]);
    expect(size).toBeGreaterThan(16_000);
    expect(await h.webhooks()).toEqual([
      {
        event: 'recording.started',
        call_status: 'in_progress',
        recording: `rec_${call.id} started`,
        data: { event_key: `rec_${call.id}:recording.started`, sequence: 1 },
      },
      {
        event: 'recording.completed',
        call_status: 'completed',
        recording: `rec_${call.id} completed`,
        data: { event_key: `rec_${call.id}:recording.completed`, end_reason: 'hangup', sequence: 2 },
      },
    ]);
    expect(h.recordingOn(call)).toEqual([]);
    expect(existsSync(pathOf(call))).toBe(false);
  });

  it('answers a stop after the call was marked ended with 404 active_call_not_found', async () => {
    await h.control(call.id, 'start');
    h.freeswitch.hangup(call.provider_call_id);
    await h.settle();

    expect(await answerOf(h.control(call.id, 'stop'))).toEqual({
      statusCode: 404,
      body: { error: { code: 'active_call_not_found', message: 'no active call with this id' } },
    });
  });

  it('answers a stop between the hangup and its report with 200 and the recording the report completes', async () => {
    await h.control(call.id, 'start');
    await pause(600);
    await h.hold(); // the channel is gone; its events wait on the queue
    h.freeswitch.hangup(call.provider_call_id);
    await pause(300);

    const stopping = h.control(call.id, 'stop');
    await pause(300);
    h.release();
    const answer = await stopping;

    expect([answer.statusCode, answer.body.data?.recording.status]).toEqual([200, 'completed']);
    expect((await h.webhooks()).map((w) => [w.event, w.data.end_reason])).toEqual([
      ['recording.started', undefined],
      ['recording.completed', 'hangup'],
    ]);
  });
});

describe('uncertain media commands', () => {
  it('adopts a start whose reply came too late: 200 started, and the media server records exactly it', async () => {
    h.freeswitch.setFault((command) =>
      command.includes(' start ') ? { kind: 'late', ms: 1500 } : undefined,
    );
    const id = `rec_${call.id}`;

    const answer = await answerOf(h.control(call.id, 'start'));
    await h.settle();

    const { call: stored, recordings } = await h.stored(call.id);
    expect(answer).toEqual({ statusCode: 200, body: dataOf(call, 'start', await shown(id)) });
    expect(answer.body.data.recording).toEqual(expect.objectContaining({ id, status: 'started' }));
    expect([stored?.status, stored?.active_recording?.state, stored?.active_recording?.recording_id]).toEqual(
      ['in_progress', 'started', id],
    );
    expect(recordings.map((r) => [r.id, r.status])).toEqual([[id, 'started']]);
    expect(h.recordingOn(call)).toEqual([pathOf(call)]);
    expect(await h.webhooks()).toEqual([sent('recording.started', 'in_progress', id, { sequence: 1 })]);
  });

  it('answers a stop whose reply was lost with the completed recording, from the media server report', async () => {
    const id = `rec_${call.id}`;
    await h.control(call.id, 'start');
    await pause(500);
    h.freeswitch.setFault((command) => (command.includes(' stop ') ? { kind: 'no-reply' } : undefined));

    const answer = await answerOf(h.control(call.id, 'stop'));
    await h.settle();

    const size = (await storedSize(call)) ?? -1;
    const { call: stored, recordings } = await h.stored(call.id);
    expect(answer).toEqual({ statusCode: 200, body: dataOf(call, 'stop', await shown(id)) });
    expect(answer.body.data.recording).toEqual(
      expect.objectContaining({
        status: 'completed',
        storage_type: 's3',
        file_url: `${TEST_API_URL}/v1/recordings/${id}/media`,
        duration_seconds: Math.round((size - 44) / 16_000),
        size_bytes: size,
      }),
    );
    expect(size).toBeGreaterThan(44);
    expect([stored?.status, stored?.active_recording]).toEqual(['in_progress', undefined]);
    expect(recordings.map((r) => [r.id, r.status, r.end_reason, r.size_bytes])).toEqual([
      [id, 'completed', 'stopped', size],
    ]);
    expect(h.recordingOn(call)).toEqual([]);
    expect(await h.webhooks()).toEqual([
      sent('recording.started', 'in_progress', id, { sequence: 1 }),
      sent('recording.completed', 'in_progress', id, { end_reason: 'stopped', sequence: 2 }),
    ]);
    expect((await h.control(call.id, 'start')).body.data?.recording.id).toBe(`rec_${call.id}_2`);
  });

  it('stops the audio and stores the start failed when the commit fails after the media server started', async () => {
    refuseNextStartCommit();

    const answer = await answerOf(h.control(call.id, 'start'));
    await h.settle();

    expect(answer).toEqual({
      statusCode: 502,
      body: {
        error: { code: 'recording_start_failed', message: 'the media server could not start the recording' },
      },
    });
    expect(h.recordingOn(call)).toEqual([]);
    expect((await h.stored(call.id)).recordings.map((r) => [r.id, r.status, r.failure_reason])).toEqual([
      [`rec_${call.id}`, 'failed', 'start_failed'],
    ]);
    expect((await h.webhooks()).map((w) => [w.event, w.data.reason, w.data.sequence])).toEqual([
      ['recording.failed', 'start_failed', 1],
    ]);
  });

  it('stops the audio and stores the start failed when a late start is found recording but cannot be committed', async () => {
    const id = `rec_${call.id}`;
    h.freeswitch.setFault((command) =>
      command.includes(' start ') ? { kind: 'late', ms: 1500 } : undefined,
    );
    refuseNextStartCommit();

    const answer = await answerOf(h.control(call.id, 'start'));
    await h.settle();

    const { call: stored, recordings } = await h.stored(call.id);
    expect(answer).toEqual({
      statusCode: 502,
      body: {
        error: { code: 'recording_start_failed', message: 'the media server could not start the recording' },
      },
    });
    expect(h.recordingOn(call)).toEqual([]);
    expect([stored?.active_recording, recordings.map((r) => [r.id, r.status, r.failure_reason])]).toEqual([
      undefined,
      [[id, 'failed', 'start_failed']],
    ]);
    expect(await h.webhooks()).toEqual([
      sent('recording.failed', 'in_progress', id, { reason: 'start_failed', sequence: 1 }),
    ]);
  });

  it('answers 200 started, and keeps the audio, when the commit landed but its answer was lost', async () => {
    const id = `rec_${call.id}`;
    let lost = 1;
    h.wrapStore((real) => ({
      ...real,
      commitStarted: async (...args) => {
        await real.commitStarted(...args);
        if (lost-- > 0) throw new DependencyUnavailableError('storage');
      },
    }));

    const answer = await answerOf(h.control(call.id, 'start'));
    await h.settle();

    const { call: stored, recordings } = await h.stored(call.id);
    expect(answer).toEqual({ statusCode: 200, body: dataOf(call, 'start', await shown(id)) });
    expect(answer.body.data.recording).toEqual(expect.objectContaining({ id, status: 'started' }));
    expect([stored?.active_recording?.state, recordings.map((r) => [r.id, r.status])]).toEqual([
      'started',
      [[id, 'started']],
    ]);
    expect(h.recordingOn(call)).toEqual([pathOf(call)]);
    expect(await h.webhooks()).toEqual([sent('recording.started', 'in_progress', id, { sequence: 1 })]);
  });
});

describe('orphans', () => {
  it('stops, within seconds, a recording of ours that no recording owns, counts it and removes its audio', async () => {
    const before = [h.counted('OrphanRecordings'), h.counted('OrphanAudioRemoved')];
    const esl = await connectRaw(h.freeswitch.port);
    await esl.waitFor(1);
    await esl.ask('auth ClueCon');
    await esl.ask(`api uuid_record ${call.provider_call_id} start ${pathOf(call, `rec_${call.id}_7`)}`);
    esl.close();

    await pause(300);
    await h.settle();

    expect(h.recordingOn(call)).toEqual([]);
    expect([h.counted('OrphanRecordings'), h.counted('OrphanAudioRemoved')]).toEqual([
      (before[0] ?? 0) + 1,
      (before[1] ?? 0) + 1,
    ]);
    expect(h.logger.lines.some((line) => line.includes('orphan recording stopped'))).toBe(true);
    expect(await storedSize(call, `rec_${call.id}_7`)).toBeUndefined();
    expect(existsSync(pathOf(call, `rec_${call.id}_7`))).toBe(false);
    expect(await h.webhooks()).toEqual([]);
  });
});

describe('an orphan whose stop goes unanswered', () => {
  it('counts and logs it stopped once the file records no more, though the reply never came', async () => {
    const orphan = pathOf(call, `rec_${call.id}_7`);
    const stop = `uuid_record ${call.provider_call_id} stop ${orphan}`;
    const before = h.counted('OrphanRecordings');
    // The stop runs at once; its answer comes after the function stopped waiting (a lost reply).
    h.freeswitch.setFault((command) => (command === stop ? { kind: 'late', ms: 1500 } : undefined));
    const esl = await connectRaw(h.freeswitch.port);
    await esl.waitFor(1);
    await esl.ask('auth ClueCon');
    await esl.ask(`api uuid_record ${call.provider_call_id} start ${orphan}`);
    esl.close();

    await eventually(() => outcomesOf('recording_started', orphan).length > 0);
    await h.settle();

    expect([
      h.recordingOn(call),
      outcomesOf('recording_started', orphan),
      h.counted('OrphanRecordings') - before,
      h.logger.lines.filter(
        (line) => line.includes('orphan recording stopped') && line.includes(`"rec_${call.id}_7"`),
      ).length,
      h.freeswitch.commands.filter((command) => command === stop).length,
    ]).toEqual([[], ['orphan stopped'], 1, 1, 1]);
    expect(await h.webhooks()).toEqual([]);
  });
});

describe('a version 2 media event (from a relay older than the fleet)', () => {
  it("stops an orphan on the only media server, though the event named the relay's host", async () => {
    const orphan = pathOf(call, `rec_${call.id}_7`);
    const before = h.counted('OrphanRecordings');
    await h.hold();
    const esl = await connectRaw(h.freeswitch.port);
    await esl.waitFor(1);
    await esl.ask('auth ClueCon');
    await esl.ask(`api uuid_record ${call.provider_call_id} start ${orphan}`);
    esl.close();

    await requeueStartAsVersion2(h, orphan);
    h.release();
    await h.settle();

    expect([
      h.recordingOn(call),
      h.counted('OrphanRecordings') - before,
      h.freeswitch.commands.filter((c) => c === `uuid_record ${call.provider_call_id} stop ${orphan}`),
    ]).toEqual([[], 1, [`uuid_record ${call.provider_call_id} stop ${orphan}`]]);
  });
});

describe('events twice, late or out of order', () => {
  it('changes nothing more when the same events come again, reversed', async () => {
    await h.control(call.id, 'start');
    await pause(400);
    h.freeswitch.hangup(call.provider_call_id);
    await h.settle();
    const once = await h.webhooks();
    const recorded = (await h.stored(call.id)).recordings[0];
    const base = {
      media_node: 'fs-test',
      core_uuid: h.freeswitch.coreUuid,
      at: new Date().toISOString(),
      source: 'event' as const,
    };
    const replay: MediaEvent[] = [
      {
        ...base,
        kind: 'channel_hangup',
        channel_uuid: call.provider_call_id,
        hangup_cause: 'NORMAL_CLEARING',
      },
      {
        ...base,
        kind: 'recording_stopped',
        channel_uuid: call.provider_call_id,
        path: pathOf(call),
        file: { kind: 'stored', duration_ms: 9999, size_bytes: 1_000_044 },
        channel_ended: true,
      },
      { ...base, kind: 'recording_started', channel_uuid: call.provider_call_id, path: pathOf(call) },
    ];
    for (const event of [...replay, ...replay]) {
      await h.sqs.send(
        new SendMessageCommand({
          QueueUrl: h.mediaQueueUrl,
          MessageBody: serializeMediaEvent(event),
        }),
      );
    }
    const orphansBefore = h.counted('OrphanRecordings') + h.counted('OrphanAudioRemoved');
    await h.settle();

    expect(once.map((w) => w.event)).toEqual(['recording.started', 'recording.completed']);
    expect(await h.webhooks()).toEqual([]);
    expect((await h.stored(call.id)).recordings[0]).toEqual(recorded);
    expect(h.counted('OrphanRecordings') + h.counted('OrphanAudioRemoved')).toBe(orphansBefore);
    expect(await storedSize(call)).toBe(recorded?.size_bytes);
  });
});

describe('relay disconnect during a hangup', () => {
  it('completes the recording from the file once the relay is back, and ends the call', async () => {
    const id = `rec_${call.id}`;
    await h.control(call.id, 'start');
    await pause(800);
    h.freeswitch.setRefuseAuth(true);
    h.freeswitch.dropEventConnections();
    h.freeswitch.hangup(call.provider_call_id);
    await pause(300); // the relay's reconnects are refused meanwhile: the hangup's events go to nobody
    h.freeswitch.setRefuseAuth(false);

    await eventually(async () => (await h.stored(call.id)).recordings[0]?.status === 'completed');
    await h.settle();

    const size = (await storedSize(call)) ?? -1;
    const { call: stored, recordings } = await h.stored(call.id);
    expect([stored?.status, stored?.active_recording]).toEqual(['completed', undefined]);
    expect(recordings.map((r) => [r.id, r.status, r.size_bytes, r.end_reason])).toEqual([
      [id, 'completed', size, 'hangup'],
    ]);
    expect(size).toBeGreaterThan(44); // audio, not just the header
    expect(h.recordingOn(call)).toEqual([]);
    expect(existsSync(pathOf(call))).toBe(false);
    expect(await h.webhooks()).toEqual([
      sent('recording.started', 'in_progress', id, { sequence: 1 }),
      sent('recording.completed', 'completed', id, { end_reason: 'hangup', sequence: 2 }),
    ]);
  });
});

describe('a recording the media server kept no file of (RECORD_MIN_SEC)', () => {
  it('answers the stop with the failed recording and sends recording.failed, reason empty, sequence 2', async () => {
    const id = `rec_${call.id}`;
    h.freeswitch.setChannelVar(call.provider_call_id, 'RECORD_MIN_SEC', '5');
    await h.control(call.id, 'start');
    await pause(300);

    const answer = await answerOf(h.control(call.id, 'stop'));
    await h.settle();

    const { call: stored, recordings } = await h.stored(call.id);
    expect(answer).toEqual({ statusCode: 200, body: dataOf(call, 'stop', await shown(id)) });
    expect(answer.body.data.recording).toEqual({
      id,
      call_id: call.id,
      customer_id: call.customer_id,
      application_id: call.application_id,
      provider_call_id: call.provider_call_id,
      status: 'failed',
      storage_type: 'local',
      file_url: '',
      duration_seconds: 0,
      size_bytes: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect([stored?.status, stored?.active_recording]).toEqual(['in_progress', undefined]);
    expect(recordings.map((r) => [r.id, r.status, r.failure_reason])).toEqual([[id, 'failed', 'empty']]);
    expect(await h.webhooks()).toEqual([
      sent('recording.started', 'in_progress', id, { sequence: 1 }),
      sent('recording.failed', 'in_progress', id, { reason: 'empty', sequence: 2 }),
    ]);
    expect([h.recordingOn(call), existsSync(pathOf(call)), await storedSize(call)]).toEqual([
      [],
      false,
      undefined,
    ]);
  });

  it('fails a recording a hangup cut off with reason empty, and ends the call', async () => {
    const id = `rec_${call.id}`;
    h.freeswitch.setChannelVar(call.provider_call_id, 'RECORD_MIN_SEC', '5');
    await h.control(call.id, 'start');
    await pause(300);

    h.freeswitch.hangup(call.provider_call_id);
    await eventually(async () => (await h.stored(call.id)).recordings[0]?.status !== 'started');
    await h.settle();

    const { call: stored, recordings } = await h.stored(call.id);
    expect([stored?.status, stored?.active_recording]).toEqual(['completed', undefined]);
    expect(recordings.map((r) => [r.id, r.status, r.failure_reason, r.size_bytes])).toEqual([
      [id, 'failed', 'empty', 0],
    ]);
    expect(await h.webhooks()).toEqual([
      sent('recording.started', 'in_progress', id, { sequence: 1 }),
      sent('recording.failed', 'completed', id, { reason: 'empty', sequence: 2 }),
    ]);
    expect(await answerOf(h.control(call.id, 'stop'))).toEqual({
      statusCode: 404,
      body: { error: { code: 'active_call_not_found', message: 'no active call with this id' } },
    });
    expect([h.recordingOn(call), existsSync(pathOf(call)), await storedSize(call)]).toEqual([
      [],
      false,
      undefined,
    ]);
  });
});

describe("the media server's report of a recording's end, before the start is committed", () => {
  it('is applied once the start commits: 200 started, then completed by the hangup', async () => {
    const id = `rec_${call.id}`;
    const release = holdNextStartCommit();
    const starting = answerOf(h.control(call.id, 'start'));
    await eventually(() => h.recordingOn(call).length === 1);
    await pause(300); // some audio

    h.freeswitch.hangup(call.provider_call_id);
    // The relay stores the file and reports it; the media events find the start uncommitted and wait.
    await eventually(() => postponed('recording_stopped', pathOf(call)));
    const waited = postponed('recording_stopped', pathOf(call));
    release();
    const answer = await starting;
    await eventually(async () => (await h.stored(call.id)).recordings[0]?.status === 'completed', 15_000);
    await h.settle();

    const size = (await storedSize(call)) ?? -1;
    const { call: stored, recordings } = await h.stored(call.id);
    expect(waited).toBe(true);
    expect(answer).toEqual({
      statusCode: 200,
      body: dataOf(call, 'start', expect.objectContaining({ id, status: 'started', size_bytes: 0 })),
    });
    expect([stored?.status, stored?.active_recording]).toEqual(['completed', undefined]);
    expect(recordings.map((r) => [r.id, r.status, r.end_reason, r.size_bytes])).toEqual([
      [id, 'completed', 'hangup', size],
    ]);
    expect(size).toBeGreaterThan(44);
    expect(await h.webhooks()).toEqual([
      sent('recording.started', 'in_progress', id, { sequence: 1 }),
      sent('recording.completed', 'completed', id, { end_reason: 'hangup', sequence: 2 }),
    ]);
  });

  it('answers a start whose commit came after the media events had adopted and ended it with that recording', async () => {
    const id = `rec_${call.id}`;
    const release = holdNextStartCommit();
    const starting = answerOf(h.control(call.id, 'start'));
    await eventually(() => h.recordingOn(call).length === 1);
    await pause(300); // some audio

    h.freeswitch.hangup(call.provider_call_id);
    // Past the claim's lease the media events stop waiting: they adopt the start and end it.
    await eventually(async () => (await h.stored(call.id)).recordings[0]?.status === 'completed', 15_000);
    release();
    const answer = await starting;
    await h.settle();

    const size = (await storedSize(call)) ?? -1;
    const { call: stored, recordings } = await h.stored(call.id);
    expect(answer).toEqual({ statusCode: 200, body: dataOf(call, 'start', await shown(id)) });
    expect([stored?.status, stored?.active_recording]).toEqual(['completed', undefined]);
    expect(recordings.map((r) => [r.id, r.status, r.end_reason, r.size_bytes])).toEqual([
      [id, 'completed', 'hangup', size],
    ]);
    expect(h.recordingOn(call)).toEqual([]);
    expect(await h.webhooks()).toEqual([
      sent('recording.started', 'completed', id, { sequence: 1 }),
      sent('recording.completed', 'completed', id, { end_reason: 'hangup', sequence: 2 }),
    ]);
  });
});

describe('storage refusing the relay for minutes', () => {
  let s: ServiceHarness;
  beforeAll(async () => {
    // Summaries after 300 ms of failing, then at most once a minute: one within this test.
    s = await createServiceHarness({ relay: { uploadAlarmAfterMs: 300, uploadAlarmEveryMs: 60_000 } });
  });
  afterAll(async () => {
    await s.close();
  });

  it('counts UploadsRetrying and warns, long before the relay gives up, the hung-up recording still started', async () => {
    s.wrapUploads(() => ({ upload: async () => Promise.reject(new Error('storage refused the upload')) }));
    const c = await s.newCall();
    const id = `rec_${c.id}`;
    await s.control(c.id, 'start');
    await pause(300); // some audio

    s.freeswitch.hangup(c.provider_call_id);
    await eventually(
      async () => s.counted('UploadsRetrying') > 0 && (await s.stored(c.id)).call?.status === 'completed',
    );

    const warnings = s.logger.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'a media relay keeps failing to store recordings');
    const { call: stored, recordings } = await s.stored(c.id);
    expect(s.counted('UploadsRetrying')).toBe(1);
    expect(warnings).toEqual([
      {
        level: 'warn',
        message: 'a media relay keeps failing to store recordings',
        request_id: expect.any(String),
        message_id: expect.any(String),
        node: 'fs-test',
        pending: 1,
        oldest_age_ms: expect.any(Number),
        last_error: 'Error: storage refused the upload',
      },
    ]);
    expect(warnings[0]?.oldest_age_ms).toBeGreaterThanOrEqual(300);
    // The relay gives up after uploadGiveUpMs (a minute here): nothing has failed yet.
    expect([stored?.status, recordings.map((r) => [r.id, r.status])]).toEqual([
      'completed',
      [[id, 'started']],
    ]);
    expect(s.counted('StorageFailures')).toBe(0);
    const file = s.files.pathOf({
      providerCallId: c.provider_call_id,
      recordingId: id,
      callId: c.id,
      customerId: c.customer_id,
      applicationId: c.application_id,
    });
    expect(existsSync(file)).toBe(true);
  });
});
