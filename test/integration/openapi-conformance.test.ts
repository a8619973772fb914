import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWANCE } from '../../shared/accounts/gcra.ts';
import { DependencyUnavailableError } from '../../shared/kernel/api-error.ts';
import { apiEvent, lambdaContext } from '../support/api-events.ts';
import { type SeededTenant, seedCall, seedTenant } from '../support/aws-fixtures.ts';
import { createOpenApiValidator } from '../support/openapi-validator.ts';
import { type ApiAnswer, createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// The handlers against openapi/openapi.json: the real recordings handler over the emulators (DynamoDB
// Local, SQS, S3, the simulated FreeSWITCH and its relay) driven through every route, its successes and
// a representative set of its errors, each answer's status, headers and body checked against the
// document; and the webhooks the real sender delivers, checked against its `webhooks` section.
const validator = createOpenApiValidator();
let receiver: WebhookReceiver;
let h: ServiceHarness;
let webhooks: Awaited<ReturnType<typeof createWebhookHarness>>;
let tenant: SeededTenant;

/** `METHOD template status[ code]` of every answer checked, to show every route was driven. */
const answered = new Set<string>();

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  webhooks = await createWebhookHarness({ maxAttempts: 3 });
  h = await createServiceHarness({
    shared: { table: webhooks.table, queueUrl: webhooks.queueUrl },
    allowance: DEFAULT_ALLOWANCE,
  });
  tenant = await seedTenant(h.documents, h.table, {
    webhookUrl: receiver.url,
    webhookSecret: 'whsec_conformance',
  });
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

/** The handler's whole answer to a request as the REST API would deliver it (no header left out). */
async function answerOf(input: {
  method: string;
  path: string;
  apiKey?: string | null;
  body?: string;
}): Promise<ApiAnswer & { text: string }> {
  const [path = input.path, rawQueryString] = input.path.split('?');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (input.apiKey) headers.authorization = `Bearer ${input.apiKey}`;
  const event = apiEvent({
    method: input.method,
    path,
    headers,
    ...(rawQueryString !== undefined ? { rawQueryString } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
  });
  const result = (await h.handler(event, lambdaContext())) as APIGatewayProxyResult;
  const text = String(result.body ?? '');
  return {
    statusCode: result.statusCode,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: text === '' ? undefined : JSON.parse(text),
    text,
  };
}

/** Sends a request as `tenant` (or with no key) and returns the answer once checked against the document. */
async function send(
  method: string,
  path: string,
  options: { body?: string; apiKey?: string | null } = {},
): Promise<ApiAnswer> {
  const apiKey = options.apiKey === undefined ? tenant.apiKey : options.apiKey;
  const answer = await answerOf({
    method,
    path,
    apiKey,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const pathOnly = path.split('?')[0] ?? path;
  const problems = validator.checkAnswer(method, pathOnly, {
    statusCode: answer.statusCode,
    headers: answer.headers,
    body: answer.text,
  });
  expect(problems, `${method} ${path} → ${answer.statusCode} ${answer.text}`).toEqual([]);
  answered.add(
    `${method} ${validator.templateOf(pathOnly) ?? pathOnly} ${answer.statusCode}${answer.body?.error ? ` ${answer.body.error.code}` : ''}`,
  );
  return answer;
}

/** What a request answered: its status and, for an error, its code. */
const outcome = (answer: ApiAnswer) => [answer.statusCode, answer.body?.error?.code ?? null];

const control = (callId: string, body?: unknown) =>
  send('POST', `/v1/calls/${callId}/recordings`, {
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

/** Relays what was committed and lets the sender deliver until the queue is empty. */
async function deliverAll() {
  for (let round = 0; round < 30; round += 1) {
    await h.outboxRelay.caughtUp();
    if (!(await webhooks.source.pollOnce())) return;
  }
  throw new Error('the webhook queue did not empty');
}

describe('POST /v1/calls/{call_id}/recordings', () => {
  it('answers start, a repeated start, stop and a repeated stop as documented', async () => {
    const call = await h.newCall(tenant);
    const answers = [
      await control(call.id, { action: 'start' }),
      await control(call.id),
      await control(call.id, { action: 'stop' }),
      await control(call.id, { action: 'stop' }),
    ];
    expect(answers.map(outcome)).toEqual([
      [200, null],
      [200, null],
      [200, null],
      [404, 'recording_not_started'],
    ]);
  });

  it('answers bad requests as documented', async () => {
    const call = await h.newCall(tenant);
    const bare = await seedCall(h.documents, h.table, tenant, { provider_call_id: undefined });
    const answers = [
      await send('POST', `/v1/calls/${call.id}/recordings`, { apiKey: null }),
      await control(call.id, '{"action":'),
      await control(call.id, []),
      await control('call-1', { action: 'start' }),
      await control(call.id, { action: 'pause' }),
      await control('call_nosuchcall', { action: 'start' }),
      await control(bare.id, { action: 'start' }),
      await control(call.id, JSON.stringify({ action: 'start', pad: 'x'.repeat(70_000) })),
    ];
    expect(answers.map(outcome)).toEqual([
      [401, 'unauthorized'],
      [400, 'invalid_json'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_action'],
      [404, 'active_call_not_found'],
      [409, 'call_uuid_missing'],
      [413, 'payload_too_large'],
    ]);
  });

  it('answers media-server failures as documented', async () => {
    const call = await h.newCall(tenant);
    h.freeswitch.setFault((command) =>
      command.includes(' start ') ? { kind: 'answer', text: '-ERR Cannot locate session!\n' } : undefined,
    );
    const startFailed = await control(call.id, { action: 'start' });
    h.freeswitch.setFault((command) => (command.includes(' stop ') ? { kind: 'hang' } : undefined));
    await control(call.id, { action: 'start' });
    const stopFailed = await control(call.id, { action: 'stop' });
    h.freeswitch.setFault(undefined);
    await control(call.id, { action: 'stop' });

    expect([outcome(startFailed), outcome(stopFailed)]).toEqual([
      [502, 'recording_start_failed'],
      [502, 'recording_stop_failed'],
    ]);
  });

  it('answers a storage outage and an unexpected failure as documented', async () => {
    const call = await h.newCall(tenant);
    h.wrapStore((real) => ({
      ...real,
      loadAccess: async () => {
        throw new DependencyUnavailableError('storage');
      },
    }));
    const unavailable = await control(call.id, { action: 'start' });
    h.wrapStore((real) => ({
      ...real,
      loadAccess: async () => {
        throw new Error('a bug');
      },
    }));
    const unexpected = await control(call.id, { action: 'start' });
    h.wrapStore((real) => real);

    expect([outcome(unavailable), outcome(unexpected)]).toEqual([
      [503, 'service_unavailable'],
      [500, 'internal_error'],
    ]);
  });
});

describe('the recordings routes', () => {
  let call: Awaited<ReturnType<ServiceHarness['newCall']>>;

  beforeAll(async () => {
    call = await h.newCall(tenant);
    await control(call.id, { action: 'start' });
    await control(call.id, { action: 'stop' });
    // The call's second recording, still started.
    await control(call.id, { action: 'start' });
  });

  it('lists a call’s recordings a page at a time, and answers bad requests as documented', async () => {
    const first = await send('GET', `/v1/calls/${call.id}/recordings?limit=1`);
    const answers = [
      first,
      await send('GET', `/v1/calls/${call.id}/recordings?cursor=${first.body.next_cursor}`),
      await send('GET', `/v1/calls/${call.id}/recordings?limit=0`),
      await send('GET', `/v1/calls/${call.id}/recordings?cursor=bogus`),
      await send('GET', '/v1/calls/call-1/recordings'),
      await send('GET', '/v1/calls/call_nosuchcall/recordings'),
      await send('GET', `/v1/calls/${call.id}/recordings`, { apiKey: null }),
    ];
    expect(answers.map(outcome)).toEqual([
      [200, null],
      [200, null],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [404, 'call_not_found'],
      [401, 'unauthorized'],
    ]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
  });

  it('reads, downloads and deletes a recording, and answers bad requests as documented', async () => {
    const completed = `rec_${call.id}`;
    const started = `rec_${call.id}_2`;
    const answers = [
      await send('GET', `/v1/recordings/${completed}`),
      await send('GET', `/v1/recordings/${completed}/media?expires_in=60`),
      await send('GET', `/v1/recordings/${completed}/media?expires_in=10`),
      await send('GET', `/v1/recordings/${started}/media`),
      await send('DELETE', `/v1/recordings/${started}`),
      await send('DELETE', `/v1/recordings/${completed}`),
      await send('DELETE', `/v1/recordings/${completed}`),
      await send('GET', `/v1/recordings/${completed}/media`),
      await send('GET', '/v1/recordings/rec_'),
      await send('GET', `/v1/recordings/rec_${call.id}_9`),
      await send('DELETE', '/v1/recordings/rec_call_nosuchcall'),
    ];
    expect(answers.map(outcome)).toEqual([
      [200, null],
      [302, null],
      [400, 'invalid_request'],
      [409, 'recording_not_completed'],
      [409, 'recording_in_progress'],
      [200, null],
      [200, null],
      [410, 'recording_deleted'],
      [400, 'invalid_request'],
      [404, 'recording_not_found'],
      [404, 'recording_not_found'],
    ]);
  });
});

describe('the webhook-events routes', () => {
  it('answers its reads, redeliveries and bad requests as documented', async () => {
    const call = await h.newCall(tenant);
    await control(call.id, { action: 'start' });
    await deliverAll();
    const delivered = await send('GET', '/v1/webhook-events?status=delivered&limit=1');
    const eventId = delivered.body.data[0].id;
    const answers = [
      delivered,
      await send('GET', `/v1/webhook-events/${eventId}`),
      await send('POST', `/v1/webhook-events/${eventId}/redeliver`),
      await send('POST', '/v1/webhook-events/redeliver', { body: '{"since":"2026-11-24T00:00:00Z"}' }),
      await send('GET', '/v1/webhook-endpoint'),
      await send('GET', '/v1/webhook-events'),
      await send('GET', '/v1/webhook-events?status=parked&cursor=!'),
      await send('GET', '/v1/webhook-events/evt-1'),
      await send('GET', '/v1/webhook-events/evt_nosuchevent'),
      await send('POST', '/v1/webhook-events/evt_nosuchevent/redeliver'),
      await send('POST', '/v1/webhook-events/redeliver', { body: '{"since":' }),
      await send('POST', '/v1/webhook-events/redeliver', { body: '{"since":"yesterday"}' }),
      await send('GET', '/v1/webhook-endpoint', { apiKey: null }),
    ];
    expect(answers.map(outcome)).toEqual([
      [200, null],
      [200, null],
      [202, null],
      [202, null],
      [200, null],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [404, 'webhook_event_not_found'],
      [404, 'webhook_event_not_found'],
      [400, 'invalid_json'],
      [400, 'invalid_request'],
      [401, 'unauthorized'],
    ]);
    await deliverAll();
  });
});

describe('answers of every route', () => {
  it('answers a request over the allowance with the documented 429', async () => {
    const burst = await seedTenant(h.documents, h.table);
    const answers = await Promise.all(
      Array.from({ length: DEFAULT_ALLOWANCE.burst + 20 }, () =>
        answerOf({ method: 'GET', path: '/v1/webhook-endpoint', apiKey: burst.apiKey }),
      ),
    );
    const limited = answers.find((answer) => answer.statusCode === 429);
    expect(limited?.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(
      validator.checkAnswer('GET', '/v1/webhook-endpoint', {
        statusCode: 429,
        headers: limited?.headers ?? {},
        body: limited?.text ?? '',
      }),
    ).toEqual([]);
  });

  it('answers an unknown path and a method a path does not take as documented', async () => {
    const answers = [await send('GET', '/v1/nothing-here'), await send('PUT', '/v1/recordings/rec_call_1')];
    expect(answers.map(outcome)).toEqual([
      [404, 'not_found'],
      [405, 'method_not_allowed'],
    ]);
  });
});

describe('webhook deliveries', () => {
  it('delivers every event type as the webhooks section describes it', async () => {
    const call = await h.newCall(tenant);
    h.freeswitch.setFault((command) =>
      command.includes(' start ') ? { kind: 'answer', text: '-ERR Cannot locate session!\n' } : undefined,
    );
    await control(call.id, { action: 'start' });
    h.freeswitch.setFault(undefined);
    await control(call.id, { action: 'start' });
    await control(call.id, { action: 'stop' });
    await send('DELETE', `/v1/recordings/rec_${call.id}_2`);
    await deliverAll();

    const ofCall = receiver.received
      .map((delivery) => ({ delivery, payload: JSON.parse(delivery.body) }))
      .filter(({ payload }) => payload.call.id === call.id);
    // Deliveries may arrive in any order (data.sequence orders them).
    expect(ofCall.map(({ payload }) => payload.event).sort()).toEqual([
      'recording.completed',
      'recording.deleted',
      'recording.failed',
      'recording.started',
    ]);
    for (const { delivery, payload } of ofCall) {
      expect(validator.checkDelivery(payload.event, delivery), payload.event).toEqual([]);
    }
  });
});

describe('coverage', () => {
  it('drove every documented route to its success answer', () => {
    const successes = Object.entries(
      validator.document.paths as Record<string, Record<string, { responses: object }>>,
    )
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => {
          const status = Object.keys(operation.responses).find((code) => Number(code) < 400);
          return `${method.toUpperCase()} ${path} ${status}`;
        }),
      )
      .sort();
    expect(successes.filter((entry) => !answered.has(entry))).toEqual([]);
  });
});
