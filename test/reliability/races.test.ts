import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { callPartition, drainQueue } from '../support/aws-fixtures.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// 200 start/stop requests over 20 calls, all in flight at once, through the real handler, DynamoDB
// Local, SQS, S3 and FreeSWITCH's wire protocol (with random reply delays to shuffle the
// interleavings), the relay storing every stopped file.
const CALLS = 20;
const REQUESTS = 200;

let freeswitch: SimulatedFreeSwitch;
let h: ServiceHarness;
let calls: Call[];
let statuses: number[];
let codes: string[];

beforeAll(async () => {
  h = await createServiceHarness({ eslTimeoutMs: 3000, stopSettleMs: 10_000 });
  freeswitch = h.freeswitch;
  freeswitch.setFault((command) =>
    command.startsWith('uuid_record') ? { kind: 'late', ms: Math.floor(Math.random() * 40) } : undefined,
  );
  const { tenant } = h;
  calls = await Promise.all(Array.from({ length: CALLS }, () => h.newCall()));
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => {
      const call = calls[i % CALLS] as Call;
      return h.post(call.id, tenant.apiKey, { action: Math.random() < 0.5 ? 'start' : 'stop' });
    }),
  );
  statuses = answers.map((a) => a.statusCode);
  codes = answers
    .filter((a) => a.statusCode !== 200)
    .map((a) => (a.body as { error: { code: string } }).error.code);
  await h.settle();
}, 120_000);

afterAll(async () => {
  await h.close();
});

describe('200 racing start/stop requests over 20 calls', () => {
  it('answers every request with 200 or 404 recording_not_started', () => {
    expect(statuses.filter((s) => s !== 200 && s !== 404)).toEqual([]);
    expect([...new Set(codes)]).toEqual(codes.length > 0 ? ['recording_not_started'] : []);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(CALLS);
  });

  it('leaves at most one started recording per call, matching the call item', async () => {
    for (const call of calls) {
      const { call: stored, recordings } = await callPartition(h.documents, h.table, call.id);
      const started = recordings.filter((r) => r.status === 'started');
      expect(started.length).toBeLessThanOrEqual(1);
      expect(stored?.active_recording?.recording_id).toBe(started[0]?.id);
      if (started[0]) expect(stored?.active_recording?.state).toBe('started');
    }
  });

  it('sends each recording exactly the provider commands its state implies', async () => {
    for (const call of calls) {
      const { recordings } = await callPartition(h.documents, h.table, call.id);
      const sent = freeswitch.commands.filter((c) => c.startsWith(`uuid_record ${call.provider_call_id} `));
      for (const recording of recordings) {
        const mine = sent.filter((c) => c.endsWith(`/${recording.id}.wav`)).map((c) => c.split(' ')[2]);
        expect({ id: recording.id, commands: mine }).toEqual({
          id: recording.id,
          commands: recording.status === 'completed' ? ['start', 'stop'] : ['start'],
        });
      }
      // No command for a recording that was never stored.
      expect(sent.length).toBe(recordings.reduce((n, r) => n + (r.status === 'completed' ? 2 : 1), 0));
    }
  });

  it('leaves nothing recording on the media server that the API does not show as started', async () => {
    for (const call of calls) {
      const { recordings } = await callPartition(h.documents, h.table, call.id);
      const started = recordings.filter((r) => r.status === 'started').map((r) => `/${r.id}.wav`);
      const running = (freeswitch.recordings(call.provider_call_id ?? '') ?? []).map((p) =>
        p.slice(p.lastIndexOf('/')),
      );
      expect(running).toEqual(started);
    }
  });

  it('stores the audio of every completed recording', async () => {
    for (const call of calls) {
      for (const r of (await callPartition(h.documents, h.table, call.id)).recordings) {
        if (r.status === 'completed') {
          expect(await h.objectSize(h.objectKeyOf(call, String(r.id)))).toBe(r.size_bytes);
        }
      }
    }
  });

  it('queues exactly one event per state change', async () => {
    const events = (await drainQueue(h.sqs, h.queueUrl)).map(
      (m) => JSON.parse(m.Body ?? '{}').data.event_key as string,
    );
    const expected: string[] = [];
    for (const call of calls) {
      for (const r of (await callPartition(h.documents, h.table, call.id)).recordings) {
        expected.push(`${r.id}:recording.started`);
        if (r.status === 'completed') expected.push(`${r.id}:recording.completed`);
      }
    }
    expect(events.sort()).toEqual(expected.sort());
  });
});
