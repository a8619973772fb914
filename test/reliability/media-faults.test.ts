import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../../shared/recordings/types.ts';
import { createServiceHarness, type QueuedWebhook, type ServiceHarness } from '../support/service-harness.ts';

// Many calls at once, each started, stopped, restarted and hung up at random moments, while the media
// server answers some commands late or never (carrying them out all the same), the relay loses its
// connection twice, and storage refuses uploads for a while. Afterwards the invariants of the spec's
// Part 2 must hold: no audio the API does not show, no recording left started, completed means stored,
// exactly one webhook per state change.
const CALLS = 16;
let h: ServiceHarness;
let calls: (Call & { provider_call_id: string })[];
const answers: { status: number; code: string | undefined }[] = [];
let webhooks: QueuedWebhook[] = [];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (ms: number) => Math.floor(Math.random() * ms);

async function post(call: Call, action: 'start' | 'stop') {
  const answer = await h.control(call.id, action);
  answers.push({ status: answer.statusCode, code: answer.body?.error?.code });
}

/** One call's life: a few starts and stops at random moments, then a hangup. */
async function life(call: Call & { provider_call_id: string }) {
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

describe('recordings under media-server faults and concurrency', () => {
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
        const sent = webhooks
          .filter((w) => w.recording.startsWith(`${recording.id} `))
          .map((w) => `${w.event} ${w.data.sequence}`);
        const lived =
          recording.status === 'completed'
            ? ['recording.started 1', 'recording.completed 2']
            : recording.failure_reason === 'start_failed'
              ? ['recording.failed 1']
              : ['recording.started 1', 'recording.failed 2'];
        expect({ recording: recording.id, sent }).toEqual({ recording: recording.id, sent: lived });
      }
    }
  });
});
