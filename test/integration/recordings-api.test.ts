import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { RecordingFiles } from '../../shared/recordings/recording-files.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { apiEvent, lambdaContext } from '../support/api-events.ts';
import {
  callPartition,
  drainQueue,
  type SeededTenant,
  seedCall,
  seedTenant,
} from '../support/aws-fixtures.ts';
import { errorBody, expectedData, RFC3339_SECONDS } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness, TEST_API_URL } from '../support/service-harness.ts';

let freeswitch: SimulatedFreeSwitch;
let files: RecordingFiles;
let h: ServiceHarness;
let tenant: SeededTenant;
let call: Call;

const fileUrl = (c: Call, recordingId = `rec_${c.id}`) =>
  `${TEST_API_URL}/v1/recordings/${recordingId}/media`;
const pathOf = (c: Call, recordingId = `rec_${c.id}`) =>
  files.pathOf({
    providerCallId: c.provider_call_id ?? '',
    recordingId,
    callId: c.id,
    customerId: c.customer_id,
    applicationId: c.application_id,
  });

/** While set, the outbox relay's queue refuses events (SQS unavailable). */
let queueDown = false;

beforeAll(async () => {
  h = await createServiceHarness({
    wrapRelayQueue: (real) => ({
      ...real,
      sendAll: (events, options) =>
        queueDown ? Promise.reject(new Error('SQS unavailable')) : real.sendAll(events, options),
    }),
  });
  ({ freeswitch, files } = h);
});

afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  freeswitch.setFault(undefined);
  queueDown = false;
  await h.settle(200);
  await h.webhooks();
  tenant = await seedTenant(h.documents, h.table);
  call = await seedCall(h.documents, h.table, tenant);
  freeswitch.addChannel(call.provider_call_id ?? '');
});

/** The commands the API sent about a call's channel (not the relay's `uuid_buglist` snapshots). */
const commandsFor = (c: Call) =>
  freeswitch.commands.filter(
    (command) => command.includes(c.provider_call_id ?? '?') && !command.startsWith('uuid_buglist'),
  );
const eventsOf = async () => {
  await h.outboxRelay.caughtUp();
  return (await drainQueue(h.sqs, h.queueUrl)).map((m) => ({
    body: JSON.parse(m.Body ?? ''),
    eventId: m.MessageAttributes?.event_id?.StringValue,
  }));
};

describe('start', () => {
  it('answers 200 with the started recording', async () => {
    const answer = await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(answer).toEqual({
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      },
      body: expectedData(call, 'start', { status: 'started' }),
    });
  });

  it('sends uuid_record start with the configured path', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(commandsFor(call)).toEqual([`uuid_record ${call.provider_call_id} start ${pathOf(call)}`]);
  });

  it('queues recording.started with the full webhook envelope', async () => {
    const answer = await h.post(call.id, tenant.apiKey, { action: 'start' });
    const events = await eventsOf();

    const recording = (answer.body as { data: { recording: unknown } }).data.recording;
    expect(events).toEqual([
      {
        eventId: expect.stringMatching(/^evt_/),
        body: {
          event: 'recording.started',
          created_at: expect.stringMatching(RFC3339_SECONDS),
          call: {
            id: call.id,
            customer_id: call.customer_id,
            application_id: call.application_id,
            provider_call_id: call.provider_call_id,
            status: 'in_progress',
            direction: 'inbound',
            from: '+15551230001',
            to: '+15551230002',
          },
          variables: {},
          data: { event_key: `rec_${call.id}:recording.started`, recording, sequence: 1 },
        },
      },
    ]);
  });

  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['an empty object', {}],
  ])('treats %s as start', async (_name, body) => {
    const answer = await h.post(call.id, tenant.apiKey, body);

    expect(answer.body).toEqual(expectedData(call, 'start', { status: 'started' }));
  });

  it('returns the already started recording without a second provider command or event', async () => {
    const first = await h.post(call.id, tenant.apiKey, { action: 'start' });
    const second = await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(second).toEqual(first);
    expect(commandsFor(call)).toHaveLength(1);
    expect((await eventsOf()).map((e) => e.body.event)).toEqual(['recording.started']);
  });

  it("writes the event into the call's partition, expiring a week after it happened", async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });

    const [event] = (await callPartition(h.documents, h.table, call.id)).outbox;
    expect(event).toMatchObject({ type: 'outbox_event', event_type: 'recording.started' });
    expect(event?.expires_at).toBe(Math.floor(Date.parse(String(event?.occurred_at)) / 1000) + 7 * 86_400);
  });
});

describe('stop', () => {
  it('answers 200 with the completed recording, measured from its stored audio', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answer = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    const { recording } = (
      answer.body as { data: { recording: { duration_seconds: number; size_bytes: number } } }
    ).data;
    expect([1, 2]).toContain(recording.duration_seconds);
    expect(answer).toEqual({
      statusCode: 200,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      },
      body: expectedData(call, 'stop', {
        status: 'completed',
        file_url: fileUrl(call),
        duration_seconds: expect.any(Number),
        size_bytes: expect.any(Number),
      }),
    });
    // 8 kHz 16-bit mono for ~1.1 s: the WAV header plus two bytes a sample.
    expect(recording.size_bytes).toBeGreaterThanOrEqual(44 + 1100 * 16);
    expect(recording.size_bytes).toBeLessThan(44 + 3000 * 16);
    expect(await h.objectSize(h.objectKeyOf(call))).toBe(recording.size_bytes);
  });

  it('reads the completion cause, record_ms and record_samples after uuid_record stop', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    await h.post(call.id, tenant.apiKey, { action: 'stop' });

    const path = pathOf(call);
    expect(commandsFor(call)).toEqual([
      `uuid_record ${call.provider_call_id} start ${path}`,
      `uuid_record ${call.provider_call_id} stop ${path}`,
      `uuid_getvar ${call.provider_call_id} record_completion_cause`,
      `uuid_getvar ${call.provider_call_id} record_ms`,
      `uuid_getvar ${call.provider_call_id} record_samples`,
    ]);
  });

  it('queues recording.started then recording.completed', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    const stop = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    const events = await eventsOf();
    expect(events.map((e) => [e.body.event, e.body.data.event_key])).toEqual([
      ['recording.started', `rec_${call.id}:recording.started`],
      ['recording.completed', `rec_${call.id}:recording.completed`],
    ]);
    expect(events[1]?.body.data.recording).toEqual(
      (stop.body as { data: { recording: unknown } }).data.recording,
    );
  });

  it('numbers the recording started after a stop rec_<call_id>_2', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    await h.post(call.id, tenant.apiKey, { action: 'stop' });
    const again = await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(again.body).toEqual(expectedData(call, 'start', { id: `rec_${call.id}_2`, status: 'started' }));
  });

  it('answers 404 recording_not_started when nothing was started', async () => {
    const answer = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual(errorBody('recording_not_started', 'recording is not currently started'));
    expect(commandsFor(call)).toEqual([]);
  });

  it('answers 404 recording_not_started to a second stop', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    await h.post(call.id, tenant.apiKey, { action: 'stop' });
    const answer = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual(errorBody('recording_not_started', 'recording is not currently started'));
  });
});

describe('authentication', () => {
  const unauthorized = {
    statusCode: 401,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'WWW-Authenticate': 'Bearer',
    },
    body: errorBody('unauthorized', 'a valid API key is required'),
  };

  it('answers 401 without an Authorization header', async () => {
    expect(await h.post(call.id, undefined, { action: 'start' })).toEqual(unauthorized);
  });

  it('answers 401 to a non-Bearer scheme', async () => {
    const answer = await h.request({
      path: `/v1/calls/${call.id}/recordings`,
      headers: { authorization: `Basic ${tenant.apiKey}` },
    });
    expect(answer).toEqual(unauthorized);
  });

  it('answers 401 to an unknown key', async () => {
    expect(await h.post(call.id, 'mv_test_0000000000000000000000000000', { action: 'start' })).toEqual(
      unauthorized,
    );
  });

  it('answers 401 to a revoked key', async () => {
    const revoked = await seedTenant(h.documents, h.table, { keyStatus: 'revoked' });
    const own = await seedCall(h.documents, h.table, revoked);
    expect(await h.post(own.id, revoked.apiKey, { action: 'start' })).toEqual(unauthorized);
  });

  it('answers 401 to a key of a disabled application', async () => {
    const disabled = await seedTenant(h.documents, h.table, { applicationStatus: 'disabled' });
    const own = await seedCall(h.documents, h.table, disabled);
    expect(await h.post(own.id, disabled.apiKey, { action: 'start' })).toEqual(unauthorized);
  });

  it('checks the key before the body', async () => {
    expect(await h.post(call.id, undefined, '{not json')).toEqual(unauthorized);
  });

  it('changes nothing when the key is refused', async () => {
    await h.post(call.id, undefined, { action: 'start' });
    expect(commandsFor(call)).toEqual([]);
    expect((await callPartition(h.documents, h.table, call.id)).recordings).toEqual([]);
  });
});

describe('validation', () => {
  it('answers 400 invalid_json to a body that is not JSON', async () => {
    const answer = await h.post(call.id, tenant.apiKey, '{"action": ');
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual(errorBody('invalid_json', 'request body is not valid JSON'));
  });

  it.each([
    ['an array', '[]', 'request body must be a JSON object'],
    ['a string', '"start"', 'request body must be a JSON object'],
    ['null', 'null', 'request body must be a JSON object'],
    ['a numeric action', '{"action": 1}', 'action must be a string'],
    ['a null action', '{"action": null}', 'action must be a string'],
  ])('answers 400 invalid_request to %s', async (_name, body, message) => {
    const answer = await h.post(call.id, tenant.apiKey, body);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual(errorBody('invalid_request', message));
  });

  it('answers 400 invalid_request to a malformed call id', async () => {
    const answer = await h.post('call_bad-id!', tenant.apiKey, { action: 'start' });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual(errorBody('invalid_request', 'call id in the path is malformed'));
  });

  it.each(['pause', 'START', ''])('answers 400 invalid_action to action %j', async (action) => {
    const answer = await h.post(call.id, tenant.apiKey, { action });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual(errorBody('invalid_action', 'action must be "start" or "stop"'));
  });

  it('reports invalid JSON before a malformed call id', async () => {
    const answer = await h.post('call_bad-id!', tenant.apiKey, '{');
    expect(answer.body).toEqual(errorBody('invalid_json', 'request body is not valid JSON'));
  });

  it('reports a malformed call id before an invalid action', async () => {
    const answer = await h.post('call_bad-id!', tenant.apiKey, { action: 'pause' });
    expect(answer.body).toEqual(errorBody('invalid_request', 'call id in the path is malformed'));
  });

  it('reports an invalid action before a missing call', async () => {
    const answer = await h.post('call_doesnotexist', tenant.apiKey, { action: 'pause' });
    expect(answer.body).toEqual(errorBody('invalid_action', 'action must be "start" or "stop"'));
  });

  it('answers 413 payload_too_large to a body over 64 KiB', async () => {
    const answer = await h.post(
      call.id,
      tenant.apiKey,
      JSON.stringify({ action: 'start', pad: 'x'.repeat(65_536) }),
    );
    expect(answer.statusCode).toBe(413);
    expect(answer.body).toEqual(errorBody('payload_too_large', 'request body must be at most 65536 bytes'));
    expect(commandsFor(call)).toEqual([]);
  });

  it('accepts a base64-encoded body as API Gateway may deliver it', async () => {
    const answer = await h.request({
      path: `/v1/calls/${call.id}/recordings`,
      apiKey: tenant.apiKey,
      body: Buffer.from('{"action":"start"}').toString('base64'),
      isBase64Encoded: true,
    });
    expect(answer.statusCode).toBe(200);
  });
});

describe('calls', () => {
  const notFound = errorBody('active_call_not_found', 'no active call with this id');

  it('answers 404 active_call_not_found to an unknown call', async () => {
    const answer = await h.post('call_doesnotexist', tenant.apiKey, { action: 'start' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual(notFound);
  });

  it('answers 404 active_call_not_found to a call of another application', async () => {
    const other = await seedTenant(h.documents, h.table);
    const answer = await h.post(call.id, other.apiKey, { action: 'start' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toEqual(notFound);
    expect(commandsFor(call)).toEqual([]);
  });

  it('answers 404 active_call_not_found to a call of the same application under another customer', async () => {
    const foreign = await seedCall(h.documents, h.table, { ...tenant, customerId: 'cust_other' });
    const answer = await h.post(foreign.id, tenant.apiKey, { action: 'start' });
    expect(answer.body).toEqual(notFound);
  });

  it.each(['completed', 'failed', 'canceled', 'busy', 'no_answer'])(
    'answers 404 active_call_not_found to a %s call',
    async (status) => {
      const ended = await seedCall(h.documents, h.table, tenant, { status });
      const answer = await h.post(ended.id, tenant.apiKey, { action: 'start' });
      expect(answer.statusCode).toBe(404);
      expect(answer.body).toEqual(notFound);
    },
  );

  it('answers 409 call_uuid_missing to a call without a provider call id', async () => {
    const bare = await seedCall(h.documents, h.table, tenant, { provider_call_id: undefined });
    const answer = await h.post(bare.id, tenant.apiKey, { action: 'start' });
    expect(answer.statusCode).toBe(409);
    expect(answer.body).toEqual(errorBody('call_uuid_missing', 'the call has no media-server channel yet'));
  });
});

describe('provider failures', () => {
  it('answers 502 recording_start_failed when FreeSWITCH answers -ERR', async () => {
    freeswitch.setFault((command) =>
      command.includes(' start ') ? { kind: 'answer', text: '-ERR Cannot locate session!\n' } : undefined,
    );
    const answer = await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(answer.statusCode).toBe(502);
    expect(answer.body).toEqual(
      errorBody('recording_start_failed', 'the media server could not start the recording'),
    );
  });

  it('stores the failed recording and queues recording.failed', async () => {
    freeswitch.setFault(() => ({ kind: 'answer', text: '-ERR Cannot locate session!\n' }));
    await h.post(call.id, tenant.apiKey, { action: 'start' });

    const { recordings, call: stored } = await callPartition(h.documents, h.table, call.id);
    expect(recordings.map((r) => [r.id, r.status])).toEqual([[`rec_${call.id}`, 'failed']]);
    expect(stored?.active_recording).toBeUndefined();
    const events = await eventsOf();
    expect(events.map((e) => [e.body.event, e.body.data.recording.status])).toEqual([
      ['recording.failed', 'failed'],
    ]);
  });

  it('starts a fresh recording after a failed start', async () => {
    freeswitch.setFault(() => ({ kind: 'answer', text: '-ERR Cannot locate session!\n' }));
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    freeswitch.setFault(undefined);
    const answer = await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(answer.body).toEqual(expectedData(call, 'start', { id: `rec_${call.id}_2`, status: 'started' }));
  });

  it('answers 502 recording_start_failed when FreeSWITCH does not answer in time and did not start', async () => {
    freeswitch.setFault((command) => (command.includes(' start ') ? { kind: 'hang' } : undefined));
    const answer = await h.post(call.id, tenant.apiKey, { action: 'start' });
    expect(answer.statusCode).toBe(502);
    expect(answer.body).toEqual(
      errorBody('recording_start_failed', 'the media server could not start the recording'),
    );
    expect(freeswitch.isRecording(call.provider_call_id ?? '')).toBe(false);
  });

  it('adopts a start FreeSWITCH carried out but answered too late', async () => {
    freeswitch.setFault((command) => (command.includes(' start ') ? { kind: 'late', ms: 3000 } : undefined));
    const answer = await h.post(call.id, tenant.apiKey, { action: 'start' });

    expect(answer.body).toEqual(expectedData(call, 'start', { status: 'started' }));
    expect(freeswitch.recordings(call.provider_call_id ?? '')).toEqual([pathOf(call)]);
  });

  it('answers 502 recording_stop_failed and keeps the recording started', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    freeswitch.setFault((command) => (command.includes(' stop ') ? { kind: 'hang' } : undefined));
    const answer = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    expect(answer.statusCode).toBe(502);
    expect(answer.body).toEqual(
      errorBody(
        'recording_stop_failed',
        'the media server could not stop the recording; it is still started',
      ),
    );
    const { recordings } = await callPartition(h.documents, h.table, call.id);
    expect(recordings.map((r) => r.status)).toEqual(['started']);
  });

  it('lets the client retry a failed stop', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    freeswitch.setFault((command) =>
      command.includes(' stop ') ? { kind: 'answer', text: '-ERR busy\n' } : undefined,
    );
    await h.post(call.id, tenant.apiKey, { action: 'stop' });
    freeswitch.setFault(undefined);
    const retry = await h.post(call.id, tenant.apiKey, { action: 'stop' });

    expect(retry.statusCode).toBe(200);
    expect((await eventsOf()).map((e) => e.body.event)).toEqual(['recording.started', 'recording.completed']);
  });
});

describe('routing and unexpected errors', () => {
  it('answers 404 not_found to an unknown route', async () => {
    const answer = await h.request({ path: '/v1/calls', apiKey: tenant.apiKey });
    expect(answer).toEqual({
      statusCode: 404,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      },
      body: errorBody('not_found', 'no such route'),
    });
  });

  it('answers 405 method_not_allowed with Allow to PUT on the recordings route', async () => {
    const answer = await h.request({
      path: `/v1/calls/${call.id}/recordings`,
      method: 'PUT',
      apiKey: tenant.apiKey,
    });
    expect(answer).toEqual({
      statusCode: 405,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        Allow: 'POST, GET',
      },
      body: errorBody('method_not_allowed', 'method not allowed; use POST, GET'),
    });
  });

  it('answers 500 internal_error without AWS details when the table is unreachable', async () => {
    const broken = createRecordingsHandler({
      ...h.deps,
      store: createDynamoDbRecordingStore(h.documents, 'table-that-does-not-exist'),
    });
    const result = await broken(
      apiEvent({
        path: `/v1/calls/${call.id}/recordings`,
        headers: { authorization: `Bearer ${tenant.apiKey}` },
      }),
      lambdaContext(),
    );
    expect(result).toEqual({
      statusCode: 500,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'X-Request-Id': expect.any(String),
      },
      body: JSON.stringify(errorBody('internal_error', 'an unexpected error occurred; it has been logged')),
    });
    expect(
      h.logger.lines.some(
        (line) => line.includes('ResourceNotFoundException') && line.includes('request_id'),
      ),
    ).toBe(true);
  });
});

describe('X-Request-Id', () => {
  it('names every answer with the gateway’s request id: a success, an error of ours, an unexpected error', async () => {
    const broken = createRecordingsHandler({
      ...h.deps,
      store: createDynamoDbRecordingStore(h.documents, 'table-that-does-not-exist'),
    });
    const start = apiEvent({
      path: `/v1/calls/${call.id}/recordings`,
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });
    const unknownRoute = apiEvent({ method: 'GET', path: '/v1/nowhere' });
    const crashing = apiEvent({
      path: `/v1/calls/${call.id}/recordings`,
      headers: { authorization: `Bearer ${tenant.apiKey}` },
    });

    const answers = [
      await h.handler(start, lambdaContext()),
      await h.handler(unknownRoute, lambdaContext()),
      await broken(crashing, lambdaContext()),
    ] as APIGatewayProxyResult[];

    expect(answers.map((answer) => [answer.statusCode, answer.headers?.['X-Request-Id']])).toEqual([
      [200, start.requestContext.requestId],
      [404, unknownRoute.requestContext.requestId],
      [500, crashing.requestContext.requestId],
    ]);
  });
});

describe('concurrency', () => {
  it('turns 50 concurrent starts into one provider start, one recording and one event', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.post(call.id, tenant.apiKey, { action: 'start' })),
    );

    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(commandsFor(call)).toHaveLength(1);
    expect((await callPartition(h.documents, h.table, call.id)).recordings).toHaveLength(1);
    expect((await eventsOf()).map((e) => e.body.event)).toEqual(['recording.started']);
  });

  it('completes exactly one of two racing stops', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    const answers = await Promise.all([
      h.post(call.id, tenant.apiKey, { action: 'stop' }),
      h.post(call.id, tenant.apiKey, { action: 'stop' }),
    ]);

    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 404]);
    expect(commandsFor(call).filter((c) => c.includes(' stop '))).toHaveLength(1);
    expect((await eventsOf()).map((e) => e.body.event)).toEqual(['recording.started', 'recording.completed']);
  });
});

describe('outbox', () => {
  it('relays the event once the webhook queue takes events again', async () => {
    queueDown = true;
    expect((await h.post(call.id, tenant.apiKey, { action: 'start' })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the stream is read, the queue refuses
    expect(await drainQueue(h.sqs, h.queueUrl)).toEqual([]);

    queueDown = false;

    expect((await eventsOf()).map((e) => e.body.event)).toEqual(['recording.started']);
  });

  it('stores the call key so the recording can be found by call', async () => {
    await h.post(call.id, tenant.apiKey, { action: 'start' });
    const item = await h.documents.send(new GetCommand({ TableName: h.table, Key: keys.call(call.id) }));
    expect(item.Item?.active_recording).toMatchObject({
      state: 'started',
      recording_id: `rec_${call.id}`,
      seq: 1,
    });
  });
});
