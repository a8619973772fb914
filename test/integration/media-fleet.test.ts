import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createCall } from '../../shared/admin/admin-commands.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { connectRaw } from '../support/esl-test-client.ts';
import { errorBody, expectedData } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// A fleet of two media servers, each with its own relay, behind the real handlers: a call records on
// the node holding its channel (the call's media_node), a node that is down fails only its own calls,
// and a media event is acted on at the node it came from. The last scenario takes fs-b down.
let h: ServiceHarness;

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

    expect((await h.control(onA.id, 'start')).body).toEqual(
      expectedData(onA, 'start', { status: 'started' }),
    );
    expect((await h.control(onB.id, 'start')).body).toEqual(
      expectedData(onB, 'start', { status: 'started' }),
    );
    expect([
      h.nodes['fs-a']?.recordings(onA.provider_call_id),
      h.nodes['fs-b']?.recordings(onB.provider_call_id),
    ]).toEqual([[pathOf(onA)], [pathOf(onB)]]);
    expect([(await h.control(onA.id, 'stop')).body, (await h.control(onB.id, 'stop')).body]).toEqual([
      expectedData(onA, 'stop', completed),
      expectedData(onB, 'stop', completed),
    ]);
    expect([recordCommandsOn('fs-b', onA), recordCommandsOn('fs-a', onB)]).toEqual([[], []]);
  });

  it("records a call that call control created naming its node (the admin CLI's create-call --media-node)", async () => {
    const channel = h.nodes['fs-b']?.addChannel() ?? '';
    const call = await createCall(
      { applicationId: h.tenant.applicationId, providerCallId: channel, mediaNode: 'fs-b' },
      { store: createDynamoDbAdminStore(h.documents, h.table), clock: systemClock, ids: randomIds },
    );

    expect((await h.control(call.id, 'start')).body).toEqual(
      expectedData(call, 'start', { status: 'started' }),
    );
    expect([(await h.stored(call.id)).call?.media_node, h.nodes['fs-b']?.recordings(channel)]).toEqual([
      'fs-b',
      [pathOf(call)],
    ]);
    expect((await h.control(call.id, 'stop')).statusCode).toBe(200);
  });

  it('answers 502 to a call that names no node while several are configured, and stores the start failed', async () => {
    const unnamed = await h.newCall();

    expect((await h.control(unnamed.id, 'start')).body).toEqual(
      errorBody('recording_start_failed', 'the media server could not start the recording'),
    );
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

    expect((await h.control(elsewhere.id, 'start')).body).toEqual(
      errorBody('recording_start_failed', 'the media server could not start the recording'),
    );
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

  it('answers 502 for the calls of a node that is down, while the other node records as usual', async () => {
    const recordingOnB = await h.newCall(undefined, 'fs-b');
    expect((await h.control(recordingOnB.id, 'start')).statusCode).toBe(200);
    const newOnB = await h.newCall(undefined, 'fs-b');
    const onA = await h.newCall(undefined, 'fs-a');

    await h.nodes['fs-b']?.close();

    expect([
      (await h.control(newOnB.id, 'start')).body,
      (await h.control(recordingOnB.id, 'stop')).body,
    ]).toEqual([
      errorBody('recording_start_failed', 'the media server could not start the recording'),
      errorBody(
        'recording_stop_failed',
        'the media server could not stop the recording; it is still started',
      ),
    ]);
    expect((await h.control(onA.id, 'start')).body).toEqual(
      expectedData(onA, 'start', { status: 'started' }),
    );
    expect((await h.control(onA.id, 'stop')).body).toEqual(expectedData(onA, 'stop', completed));
    expect((await h.stored(recordingOnB.id)).recordings.map((r) => `${r.id} ${r.status}`)).toEqual([
      `rec_${recordingOnB.id} started`,
    ]);
  });
});
