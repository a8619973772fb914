import { existsSync } from 'node:fs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../shared/kernel/api-error.ts';
import { serializeMediaEvent } from '../../shared/media-events/media-event-message.ts';
import type { MediaEvent } from '../../shared/media-events/types.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { connectRaw } from '../support/esl-test-client.ts';
import { type ApiAnswer, createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
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
const statusOf = async (c: Call) => (await h.stored(c.id)).call?.status;
/** The stored audio's size: the relay uploads the file, then deletes it from the media server. */
const storedSize = (c: Call, recordingId = `rec_${c.id}`) => h.objectSize(h.objectKeyOf(c, recordingId));
const answerOf = async (answer: Promise<ApiAnswer>) => {
  const { statusCode, body } = await answer;
  return { statusCode, body };
};

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

    const answer = await h.control(call.id, 'start');
    await h.settle();

    expect([answer.statusCode, answer.body.data?.recording.status]).toEqual([200, 'started']);
    expect(h.recordingOn(call)).toEqual([pathOf(call)]);
    expect((await h.webhooks()).map((w) => w.event)).toEqual(['recording.started']);
  });

  it('answers a stop whose reply was lost with the completed recording, from the media server report', async () => {
    await h.control(call.id, 'start');
    await pause(500);
    h.freeswitch.setFault((command) => (command.includes(' stop ') ? { kind: 'no-reply' } : undefined));

    const answer = await h.control(call.id, 'stop');

    expect([answer.statusCode, answer.body.data?.recording.status]).toEqual([200, 'completed']);
    expect(h.recordingOn(call)).toEqual([]);
    expect((await h.webhooks()).map((w) => [w.event, w.data.end_reason])).toEqual([
      ['recording.started', undefined],
      ['recording.completed', 'stopped'],
    ]);
    expect((await h.control(call.id, 'start')).body.data?.recording.id).toBe(`rec_${call.id}_2`);
  });

  it('stops the audio and stores the start failed when the commit fails after the media server started', async () => {
    let failures = 1;
    h.wrapStore((real) => ({
      ...real,
      commitStarted: async (...args) => {
        if (failures-- > 0) throw new DependencyUnavailableError('storage');
        return real.commitStarted(...args);
      },
    }));

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
    await h.control(call.id, 'start');
    await pause(800);
    h.freeswitch.setRefuseAuth(true);
    h.freeswitch.dropEventConnections();
    h.freeswitch.hangup(call.provider_call_id);
    await pause(300);
    h.freeswitch.setRefuseAuth(false);

    await pause(1200);
    await h.settle();

    const size = await storedSize(call);
    expect(await statusOf(call)).toBe('completed');
    expect((await h.stored(call.id)).recordings.map((r) => [r.status, r.size_bytes, r.end_reason])).toEqual([
      ['completed', size, 'hangup'],
    ]);
    expect((await h.webhooks()).map((w) => [w.event, w.call_status, w.data.end_reason])).toEqual([
      ['recording.started', 'in_progress', undefined],
      ['recording.completed', 'completed', 'hangup'],
    ]);
  });
});
