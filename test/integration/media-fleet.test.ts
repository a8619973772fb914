import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createCall } from '../../shared/admin/admin-commands.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { connectRaw } from '../support/esl-test-client.ts';
import { errorBody, expectedData } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { requeueStartAsVersion2 } from '../support/version-2-events.ts';

// A fleet of two media servers, each with its own relay, behind the real handlers: a call records on
// the node holding its channel (the call's media_node), a node that is down fails only its own calls,
// and a media event is acted on at the node it came from. The last scenario takes fs-b down.
let h: ServiceHarness;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pathOf = (c: Call, recordingId = `rec_${c.id}`) =>
  h.files.pathOf({
    providerCallId: c.provider_call_id ?? '',
    recordingId,
    callId: c.id,
    customerId: c.customer_id,
    applicationId: c.application_id,
  });
/** The `uuid_record` commands a node received for a channel. */
const recordCommandsOn = (node: string, c: Call) =>
  (h.nodes[node]?.commands ?? []).filter((command) =>
    command.startsWith(`uuid_record ${c.provider_call_id} `),
  );
const json = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
/** A whole answer of the handler: status, headers and JSON body. */
const answer = (statusCode: number, body: unknown) => ({ statusCode, headers: json, body });
const startFailed = answer(
  502,
  errorBody('recording_start_failed', 'the media server could not start the recording'),
);
const stopFailed = answer(
  502,
  errorBody('recording_stop_failed', 'the media server could not stop the recording; it is still started'),
);
const completed = {
  status: 'completed' as const,
  file_url: expect.any(String),
  duration_seconds: expect.any(Number),
  size_bytes: expect.any(Number),
};

beforeAll(async () => {
  h = await createServiceHarness({ mediaNodes: ['fs-a', 'fs-b'], stopSettleMs: 4000 });
});
afterAll(async () => {
  await h.close();
});

describe('a fleet of two media servers', () => {
  it('records each call on the node that holds its channel, and on no other', async () => {
    const onA = await h.newCall(undefined, 'fs-a');
    const onB = await h.newCall(undefined, 'fs-b');

    expect(await h.control(onA.id, 'start')).toEqual(
      answer(200, expectedData(onA, 'start', { status: 'started' })),
    );
    expect(await h.control(onB.id, 'start')).toEqual(
      answer(200, expectedData(onB, 'start', { status: 'started' })),
    );
    expect([
      h.nodes['fs-a']?.recordings(onA.provider_call_id),
      h.nodes['fs-b']?.recordings(onB.provider_call_id),
    ]).toEqual([[pathOf(onA)], [pathOf(onB)]]);
    expect([await h.control(onA.id, 'stop'), await h.control(onB.id, 'stop')]).toEqual([
      answer(200, expectedData(onA, 'stop', completed)),
      answer(200, expectedData(onB, 'stop', completed)),
    ]);
    expect([recordCommandsOn('fs-b', onA), recordCommandsOn('fs-a', onB)]).toEqual([[], []]);
  });

  it("records a call that call control created naming its node (the admin CLI's create-call --media-node)", async () => {
    const channel = h.nodes['fs-b']?.addChannel() ?? '';
    const call = await createCall(
      { applicationId: h.tenant.applicationId, providerCallId: channel, mediaNode: 'fs-b' },
      { store: createDynamoDbAdminStore(h.documents, h.table), clock: systemClock, ids: randomIds },
    );

    expect(await h.control(call.id, 'start')).toEqual(
      answer(200, expectedData(call, 'start', { status: 'started' })),
    );
    expect([(await h.stored(call.id)).call?.media_node, h.nodes['fs-b']?.recordings(channel)]).toEqual([
      'fs-b',
      [pathOf(call)],
    ]);
    expect(await h.control(call.id, 'stop')).toEqual(answer(200, expectedData(call, 'stop', completed)));
  });

  it('answers 502 to a call that names no node while several are configured, and stores the start failed', async () => {
    const unnamed = await h.newCall();

    expect(await h.control(unnamed.id, 'start')).toEqual(startFailed);
    expect((await h.stored(unnamed.id)).recordings.map((r) => `${r.id} ${r.status}`)).toEqual([
      `rec_${unnamed.id} failed`,
    ]);
    expect([recordCommandsOn('fs-a', unnamed), recordCommandsOn('fs-b', unnamed)]).toEqual([[], []]);
    expect(
      h.logger.lines.some((line) =>
        line.includes('the call names no media server (media_node) and several are configured (fs-a, fs-b)'),
      ),
    ).toBe(true);
  });

  it('answers 502 to a call naming a node that is not configured', async () => {
    const elsewhere = await h.newCall(undefined, 'fs-z');

    expect(await h.control(elsewhere.id, 'start')).toEqual(startFailed);
    expect(
      h.logger.lines.some((line) =>
        line.includes('media server \\"fs-z\\" is not configured (ESL_NODES: fs-a, fs-b)'),
      ),
    ).toBe(true);
  });

  it('stops an orphan on the node that reported it', async () => {
    const onB = await h.newCall(undefined, 'fs-b');
    const before = h.counted('OrphanRecordings');
    const esl = await connectRaw(h.nodes['fs-b']?.port ?? 0);
    await esl.waitFor(1);
    await esl.ask('auth ClueCon');
    await esl.ask(`api uuid_record ${onB.provider_call_id} start ${pathOf(onB, `rec_${onB.id}_7`)}`);
    esl.close();

    await h.settle();

    expect(h.nodes['fs-b']?.recordings(onB.provider_call_id)).toEqual([]);
    expect(h.counted('OrphanRecordings')).toBe(before + 1);
    expect(recordCommandsOn('fs-b', onB)).toEqual([
      `uuid_record ${onB.provider_call_id} start ${pathOf(onB, `rec_${onB.id}_7`)}`,
      `uuid_record ${onB.provider_call_id} stop ${pathOf(onB, `rec_${onB.id}_7`)}`,
    ]);
    expect(recordCommandsOn('fs-a', onB)).toEqual([]);
  });

  it('logs why the orphan of a version 2 event (naming no node) cannot be stopped, once, without retrying it', async () => {
    const onB = await h.newCall(undefined, 'fs-b');
    const orphan = pathOf(onB, `rec_${onB.id}_8`);
    const before = { orphans: h.counted('OrphanRecordings'), lines: h.logger.lines.length };
    await h.hold();
    const esl = await connectRaw(h.nodes['fs-b']?.port ?? 0);
    await esl.waitFor(1);
    await esl.ask('auth ClueCon');
    await esl.ask(`api uuid_record ${onB.provider_call_id} start ${orphan}`);

    await requeueStartAsVersion2(h, orphan);
    h.release();
    await h.settle();
    // Longer than the queue's visibility timeout (2 s): an event that failed would be received again.
    await pause(2500);
    await h.settle();
    const errors = h.logger.lines
      .slice(before.lines)
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 'error');

    expect([
      h.nodes['fs-b']?.recordings(onB.provider_call_id),
      h.counted('OrphanRecordings') - before.orphans,
      errors,
      [recordCommandsOn('fs-a', onB), recordCommandsOn('fs-b', onB)],
    ]).toEqual([
      [orphan],
      1,
      [
        {
          level: 'error',
          message: 'orphan recording cannot be stopped',
          request_id: expect.any(String),
          message_id: expect.any(String),
          reason:
            'the event names no media server (a version 2 message, from a relay older than the fleet) and ' +
            'several are configured (fs-a, fs-b): it may still be recording; stop it on its node by hand ' +
            '(uuid_record <channel_uuid> stop <path>) or hang its channel up',
          channel_uuid: onB.provider_call_id,
          path: orphan,
          recording_id: `rec_${onB.id}_8`,
          call_id: onB.id,
          source: 'event',
        },
      ],
      [[], [`uuid_record ${onB.provider_call_id} start ${orphan}`]],
    ]);
    // What the log tells the operator to do.
    await esl.ask(`api uuid_record ${onB.provider_call_id} stop ${orphan}`);
    esl.close();
    await h.settle();
  });

  it('answers 502 for the calls of a node that is down, while the other node records as usual', async () => {
    const recordingOnB = await h.newCall(undefined, 'fs-b');
    expect(await h.control(recordingOnB.id, 'start')).toEqual(
      answer(200, expectedData(recordingOnB, 'start', { status: 'started' })),
    );
    const newOnB = await h.newCall(undefined, 'fs-b');
    const onA = await h.newCall(undefined, 'fs-a');

    await h.nodes['fs-b']?.close();

    expect([await h.control(newOnB.id, 'start'), await h.control(recordingOnB.id, 'stop')]).toEqual([
      startFailed,
      stopFailed,
    ]);
    expect(await h.control(onA.id, 'start')).toEqual(
      answer(200, expectedData(onA, 'start', { status: 'started' })),
    );
    expect(await h.control(onA.id, 'stop')).toEqual(answer(200, expectedData(onA, 'stop', completed)));
    expect((await h.stored(recordingOnB.id)).recordings.map((r) => `${r.id} ${r.status}`)).toEqual([
      `rec_${recordingOnB.id} started`,
    ]);
  });
});
