import { existsSync } from 'node:fs';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../shared/kernel/api-error.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { connectRaw } from '../support/esl-test-client.ts';
import { createServiceHarness, type QueuedWebhook, type ServiceHarness } from '../support/service-harness.ts';

type TestCall = Call & { provider_call_id: string };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (ms: number) => Math.floor(Math.random() * ms);

/** The webhooks a recording's life implies, as `event sequence`. */
function livedBy(recording: Record<string, unknown>): string[] {
  if (recording.status === 'completed') return ['recording.started 1', 'recording.completed 2'];
  if (recording.failure_reason === 'start_failed') return ['recording.failed 1'];
  return ['recording.started 1', 'recording.failed 2'];
}

/** The webhooks sent about one recording, as `event sequence`, in the order queued. */
const sentFor = (webhooks: QueuedWebhook[], recordingId: string) =>
  webhooks
    .filter((w) => w.recording.startsWith(`${recordingId} `))
    .map((w) => `${w.event} ${w.data.sequence}`);

// Many calls at once, each started, stopped, restarted and hung up at random moments, while the media
// server answers some commands late or never (carrying them out all the same), the relay loses its
// connection twice, and storage refuses uploads for a while. Afterwards the invariants of the spec's
// Part 2 must hold: no audio the API does not show, no recording left started, completed means stored,
// exactly one webhook per state change.
describe('recordings under media-server faults and concurrency', () => {
  const CALLS = 16;
  let h: ServiceHarness;
  let calls: TestCall[];
  const answers: { status: number; code: string | undefined }[] = [];
  let webhooks: QueuedWebhook[] = [];

  async function post(call: Call, action: 'start' | 'stop') {
    const answer = await h.control(call.id, action);
    answers.push({ status: answer.statusCode, code: answer.body?.error?.code });
  }

  /** One call's life: a few starts and stops at random moments, then a hangup. */
  async function life(call: TestCall) {
    for (let round = 0; round < 1 + random(3); round += 1) {
      await post(call, 'start');
      await pause(random(600));
      if (Math.random() < 0.7) await post(call, 'stop');
      await pause(random(300));
    }
    if (Math.random() < 0.5) void post(call, 'stop'); // racing the hangup
    h.freeswitch.hangup(call.provider_call_id);
  }

  beforeAll(async () => {
    h = await createServiceHarness({ claimLeaseMs: 1500, eslTimeoutMs: 800, stopSettleMs: 1500 });
    calls = await Promise.all(Array.from({ length: CALLS }, () => h.newCall()));
    h.freeswitch.setFault((command) => {
      if (!command.startsWith('uuid_record') || Math.random() > 0.25) return undefined;
      return Math.random() < 0.5 ? { kind: 'late', ms: random(1600) } : { kind: 'no-reply' };
    });
    let uploadsRefused = false;
    h.wrapUploads((real) => ({
      upload: async (...args) => {
        if (uploadsRefused) throw new Error('storage is down');
        return real.upload(...args);
      },
    }));
    const lives = Promise.all(calls.map((call) => life(call)));
    setTimeout(() => {
      uploadsRefused = true;
    }, 1000);
    setTimeout(() => {
      uploadsRefused = false;
    }, 2500);
    for (const at of [700, 1800]) {
      await pause(at);
      h.freeswitch.setRefuseAuth(true);
      h.freeswitch.dropEventConnections();
      await pause(250);
      h.freeswitch.setRefuseAuth(false);
    }
    await lives;
    h.freeswitch.setFault(undefined);
    // Let the leases run out, the relay reconcile and store, and the media events settle everything.
    await pause(3000);
    await h.settle(1500, 30_000);
    webhooks = await h.webhooks();
  }, 120_000);

  afterAll(async () => {
    await h.close();
  });

  it('answers every request with a status of the spec, never a 500', () => {
    expect(answers.filter((a) => ![200, 404, 502, 503].includes(a.status))).toEqual([]);
  });

  it('stores the audio of every completed recording, and no other', async () => {
    const expected: string[] = [];
    for (const call of calls) {
      for (const recording of (await h.stored(call.id)).recordings) {
        if (recording.status === 'completed') {
          expected.push(h.objectKeyOf(call, recording.id));
          expect(await h.objectSize(h.objectKeyOf(call, recording.id))).toBe(recording.size_bytes);
        }
      }
    }
    expect(await h.objectKeys()).toEqual(expected.sort());
  });

  it('leaves no audio on the media server, and no call with a claim or a started recording', async () => {
    for (const call of calls) {
      const { call: stored, recordings } = await h.stored(call.id);
      expect({ call: call.id, running: h.recordingOn(call) }).toEqual({ call: call.id, running: [] });
      expect({ call: call.id, status: stored?.status, active: stored?.active_recording }).toEqual({
        call: call.id,
        status: 'completed',
        active: undefined,
      });
      expect(recordings.filter((r) => r.status === 'started')).toEqual([]);
    }
  });

  it('sent exactly the events each recording lived through, each once, with its sequence', async () => {
    for (const call of calls) {
      for (const recording of (await h.stored(call.id)).recordings) {
        expect({ recording: recording.id, sent: sentFor(webhooks, recording.id) }).toEqual({
          recording: recording.id,
          sent: livedBy(recording),
        });
      }
    }
  });
});

// Many calls at once again, now while commits of started recordings fail at random (half refused,
// half written with their answer lost, as a timeout after the write looks), the media queue delivers
// every event two or three times, each copy late by a random delay (so duplicated and out of order),
// and files of ours that no recording owns start recording on live channels (orphans, started over a
// raw Event Socket connection as a stray script would). Some media-server replies still come late or
// never. Half the calls hang up during all this; the other half are checked while still live (their
// media server must record exactly what the API shows started), then hung up and checked again.
describe('recordings while commits fail, orphans appear, and media events come twice and out of order', () => {
  const CALLS = 12;
  let h: ServiceHarness;
  let calls: TestCall[];
  const answers: { action: string; status: number; code: string | undefined }[] = [];
  const requests = new Set<Promise<void>>();
  const orphans: { call: TestCall; path: string; reply: string; recordedMs: number }[] = [];
  const copies = new Set<Promise<void>>();
  const copyErrors: string[] = [];
  /** Events the relay handed to the queue, and copies of them the queue received. */
  const queued = { events: 0, copies: 0 };
  let commitFaults = 0;
  /** The calls still live after the storm: what their media server records, and what the API shows. */
  const whileLive: { call: string; recording: string[]; shown: string[] }[] = [];
  let webhooks: QueuedWebhook[] = [];

  const pathOf = (call: TestCall, recordingId: string) =>
    h.files.pathOf({
      providerCallId: call.provider_call_id,
      recordingId,
      callId: call.id,
      customerId: call.customer_id,
      applicationId: call.application_id,
    });

  function post(call: Call, action: 'start' | 'stop'): Promise<void> {
    const request = h.control(call.id, action).then((answer) => {
      answers.push({ action, status: answer.statusCode, code: answer.body?.error?.code });
    });
    requests.add(request);
    void request.finally(() => requests.delete(request));
    return request;
  }

  /** Starts recording a file of ours that no recording owns, over a connection of its own. */
  async function startOrphan(call: TestCall, seq: number) {
    const path = pathOf(call, `rec_${call.id}_${seq}`);
    const esl = await connectRaw(h.freeswitch.port);
    await esl.waitFor(1);
    await esl.ask(`auth ${h.freeswitch.password}`);
    const startedAt = Date.now();
    const reply = await esl.ask(`api uuid_record ${call.provider_call_id} start ${path}`);
    esl.close();
    // How long it records: the service must stop it within seconds (the call stays up meanwhile).
    while (h.recordingOn(call).includes(path) && Date.now() - startedAt < 30_000) await pause(50);
    orphans.push({ call, path, reply: reply.body, recordedMs: Date.now() - startedAt });
  }

  /** One call's life: a few starts and stops at random moments; a call that does not survive hangs up. */
  async function life(call: TestCall, survives: boolean) {
    const stray =
      survives && Math.random() < 0.8 ? pause(random(2500)).then(() => startOrphan(call, 90)) : undefined;
    for (let round = 0; round < 1 + random(3); round += 1) {
      await post(call, 'start');
      await pause(random(600));
      if (Math.random() < 0.7) await post(call, 'stop');
      await pause(random(300));
    }
    await stray;
    if (survives) return;
    if (Math.random() < 0.5) void post(call, 'stop'); // racing the hangup
    h.freeswitch.hangup(call.provider_call_id);
  }

  /** Nothing left to happen: no request, queued event, upload or claim on any call. */
  async function calm(): Promise<boolean> {
    if (requests.size > 0 || copies.size > 0 || (h.relay?.pendingUploads() ?? 0) > 0) return false;
    const { Attributes: queue = {} } = await h.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: h.mediaQueueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    if (Object.values(queue).some((count) => Number(count) > 0)) return false;
    for (const call of calls) {
      const state = (await h.stored(call.id)).call?.active_recording?.state;
      if (state === 'starting' || state === 'stopping') return false;
    }
    return true;
  }

  /** Waits until the service has been calm for a second (events wait up to a claim's lease and more). */
  async function quiet(limitMs = 60_000) {
    const until = Date.now() + limitMs;
    let calmSince = Date.now();
    while (Date.now() < until) {
      if (!(await calm())) calmSince = Date.now();
      else if (Date.now() - calmSince >= 1000) return;
      await pause(100);
    }
    throw new Error(`the service was still busy ${limitMs} ms after the storm`);
  }

  beforeAll(async () => {
    h = await createServiceHarness({ claimLeaseMs: 1500, eslTimeoutMs: 800, stopSettleMs: 1500 });
    calls = await Promise.all(Array.from({ length: CALLS }, () => h.newCall()));
    h.freeswitch.setFault((command) => {
      // The orphans' own starts are the test's doing, not the service's: they always answer.
      if (!command.startsWith('uuid_record') || / start .*_90\.wav$/.test(command)) return undefined;
      if (Math.random() > 0.2) return undefined;
      return Math.random() < 0.5 ? { kind: 'late', ms: random(1600) } : { kind: 'no-reply' };
    });
    h.wrapStore((real) => ({
      ...real,
      commitStarted: async (...args) => {
        const roll = Math.random();
        if (roll < 0.15) {
          commitFaults += 1;
          throw new DependencyUnavailableError('storage');
        }
        await real.commitStarted(...args);
        if (roll < 0.3) {
          commitFaults += 1;
          throw new DependencyUnavailableError('storage');
        }
      },
    }));
    h.wrapPublisher((real) => ({
      async publish(event) {
        queued.events += 1;
        const count = Math.random() < 0.3 ? 3 : 2;
        for (let copy = 0; copy < count; copy += 1) {
          const sending = pause(random(700))
            .then(() => real.publish(event))
            .then(() => {
              queued.copies += 1;
            })
            .catch((error: unknown) => {
              copyErrors.push(String(error));
            });
          copies.add(sending);
          void sending.finally(() => copies.delete(sending));
        }
      },
    }));

    await Promise.all(calls.map((call, i) => life(call, i % 2 === 0)));
    h.freeswitch.setFault(undefined);
    await quiet();
    const live = calls.filter((_, i) => i % 2 === 0);
    for (const call of live) {
      const active = (await h.stored(call.id)).call?.active_recording;
      whileLive.push({
        call: call.id,
        recording: h.recordingOn(call),
        shown: active?.state === 'started' ? [pathOf(call, active.recording_id)] : [],
      });
    }
    for (const call of live) h.freeswitch.hangup(call.provider_call_id);
    await quiet();
    webhooks = await h.webhooks();
  }, 180_000);

  afterAll(async () => {
    await h.close();
  });

  it('injected its faults: commits failed, orphans started, every event was queued at least twice', () => {
    expect(commitFaults).toBeGreaterThan(0);
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans.map((o) => o.reply)).toEqual(orphans.map(() => '+OK Success\n'));
    expect(copyErrors).toEqual([]);
    expect(queued.copies).toBeGreaterThanOrEqual(2 * queued.events);
  });

  it('answers every request with a status and code of the spec, never 503 after a media command', () => {
    const allowed = [
      '200 undefined',
      '404 recording_not_started',
      '404 active_call_not_found',
      '502 recording_start_failed',
      '502 recording_stop_failed',
      '503 call_busy',
    ];
    expect(answers.filter((a) => !allowed.includes(`${a.status} ${a.code}`))).toEqual([]);
  });

  it('kept on each live call exactly the audio the API showed started: orphans stopped, nothing stuck', () => {
    expect(whileLive).toEqual(whileLive.map(({ call, shown }) => ({ call, recording: shown, shown })));
  });

  it('stopped every orphan within seconds, counted each once (OrphanRecordings), and kept none of its audio', async () => {
    expect(orphans.filter((o) => o.recordedMs > 10_000)).toEqual([]);
    expect(h.counted('OrphanRecordings')).toBe(orphans.length);
    expect(orphans.filter((o) => existsSync(o.path)).map((o) => o.path)).toEqual([]);
    for (const { call, path } of orphans) {
      const recordingId = path.slice(path.lastIndexOf('/') + 1, -'.wav'.length);
      expect({ recordingId, stored: await h.objectSize(h.objectKeyOf(call, recordingId)) }).toEqual({
        recordingId,
        stored: undefined,
      });
    }
  });

  it('ends every call with no claim and no started recording, and stores exactly the completed audio', async () => {
    const expected: string[] = [];
    for (const call of calls) {
      const { call: stored, recordings } = await h.stored(call.id);
      expect({ call: call.id, running: h.recordingOn(call), status: stored?.status }).toEqual({
        call: call.id,
        running: [],
        status: 'completed',
      });
      expect({ call: call.id, active: stored?.active_recording }).toEqual({
        call: call.id,
        active: undefined,
      });
      expect(recordings.filter((r) => r.status === 'started')).toEqual([]);
      for (const recording of recordings.filter((r) => r.status === 'completed')) {
        expected.push(h.objectKeyOf(call, recording.id));
        expect(await h.objectSize(h.objectKeyOf(call, recording.id))).toBe(recording.size_bytes);
      }
    }
    expect(await h.objectKeys()).toEqual(expected.sort());
  });

  it('sent exactly one webhook per state change, with its sequence, and none for anything else', async () => {
    const known = new Set<string>();
    for (const call of calls) {
      for (const recording of (await h.stored(call.id)).recordings) {
        known.add(String(recording.id));
        expect({ recording: recording.id, sent: sentFor(webhooks, String(recording.id)) }).toEqual({
          recording: recording.id,
          sent: livedBy(recording),
        });
      }
    }
    expect(webhooks.filter((w) => !known.has(w.recording.split(' ')[0] ?? ''))).toEqual([]);
  });
});
