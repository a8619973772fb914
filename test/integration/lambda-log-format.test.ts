import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { serializeMediaEvent } from '../../shared/media-events/media-event-message.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import { serializeWebhookMessage } from '../../shared/webhooks/webhook-message.ts';
import { environmentOf, functionOf, synth } from '../infra/stack-template.ts';
import { apiEvent } from '../support/api-events.ts';
import {
  createTestBucket,
  createTestClients,
  createTestQueue,
  createTestTable,
  type SeededTenant,
  seedCall,
  seedTenant,
} from '../support/aws-fixtures.ts';
import { startTestFreeSwitch } from '../support/media-server.ts';

// Each function of the synthesized stack, run as Lambda runs it: its handler module in a process of
// its own (test/support/lambda-runtime.ts: the runtime's console under its JSON log format), with the
// environment the template gives it and the log format and level its LoggingConfig sets. Every line it
// writes must arrive in CloudWatch as one JSON object whose fields, the request id first, are at the top
// level: a JSON string given to console.log would arrive as the `message` of the runtime's own line.

const ROOT = join(import.meta.dirname, '../..');
const RUNTIME = join(ROOT, 'test/support/lambda-runtime.ts');
const ESL_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:minivoice-esl';

const clients = createTestClients();
let template: ReturnType<typeof synth>;
let freeswitch: SimulatedFreeSwitch;
let pathTemplate: string;
let secrets: Server;
let work: string;
let tenant: SeededTenant;
let callId: string;
let channel: string;
/** What each template reference points at here (anything else unresolved fails the test). */
let local: Record<string, string>;

beforeAll(async () => {
  template = synth();
  const media = await startTestFreeSwitch();
  ({ freeswitch, pathTemplate } = media);
  // No Secrets Manager emulator installs here: this answers GetSecretValue in the service's JSON 1.1
  // wire format, so the functions read the Event Socket password from ESL_PASSWORD_SECRET_ARN as in AWS.
  secrets = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ ARN: ESL_SECRET_ARN, Name: 'esl', SecretString: freeswitch.password }));
    });
  }).listen(0, '127.0.0.1');
  await once(secrets, 'listening');
  const [table, queueUrl, dlqUrl, mediaQueueUrl, bucket] = await Promise.all([
    createTestTable(clients.documents),
    createTestQueue(clients.sqs),
    createTestQueue(clients.sqs),
    createTestQueue(clients.sqs),
    createTestBucket(clients.s3),
  ]);
  local = {
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    WEBHOOK_DLQ_URL: dlqUrl,
    MEDIA_EVENTS_QUEUE_URL: mediaQueueUrl,
    RECORDINGS_BUCKET: bucket,
    PUBLIC_API_URL: 'https://api.minivoice.test/dev',
    ESL_PASSWORD_SECRET_ARN: ESL_SECRET_ARN,
    WEBHOOK_SECRETS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/webhook-secrets',
  };
  tenant = await seedTenant(clients.documents, table);
  const call = await seedCall(clients.documents, table, tenant);
  callId = call.id;
  channel = call.provider_call_id ?? '';
  freeswitch.addChannel(channel);
  work = await mkdtemp(join(tmpdir(), 'minivoice-log-format-'));
});

afterAll(async () => {
  secrets?.close();
  await freeswitch?.close();
});

/**
 * The environment Lambda gives the function with this construct id: the template's variables (each
 * reference to a resource resolved to its stand-in here; the media servers are the simulated
 * FreeSWITCH), the log format and level of its LoggingConfig, and the SDK's endpoints and credentials.
 */
function lambdaEnvironment(name: string): Record<string, string> {
  const variables = Object.fromEntries(
    Object.entries(environmentOf(template, name)).map(([variable, value]) => {
      if (variable === 'ESL_NODES') return [variable, `fs-a=127.0.0.1:${freeswitch.port}`];
      if (typeof value === 'string') return [variable, value];
      const resolved = local[variable];
      if (resolved === undefined)
        throw new Error(`${name}: no stand-in for ${variable} (${JSON.stringify(value)})`);
      return [variable, resolved];
    }),
  );
  const { LogFormat, ApplicationLogLevel } = functionOf(template, name).LoggingConfig as {
    LogFormat: string;
    ApplicationLogLevel: string;
  };
  const sdk = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('AWS_')));
  return {
    PATH: process.env.PATH ?? '',
    ...sdk,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
    // The simulated FreeSWITCH writes its files under a directory of this test; S3 is an emulator.
    ...(name === 'Recordings' || name === 'MediaEvents' ? { RECORDING_PATH_TEMPLATE: pathTemplate } : {}),
    S3_FORCE_PATH_STYLE: 'true',
    ...variables,
    AWS_LAMBDA_FUNCTION_NAME: `minivoice-${name}`,
    AWS_LAMBDA_LOG_FORMAT: LogFormat,
    AWS_LAMBDA_LOG_LEVEL: ApplicationLogLevel,
  };
}

/** A line as CloudWatch stores it: the JSON object Lambda forwards. */
type LogLine = Record<string, unknown>;

/**
 * Runs the function in a fresh runtime process, one invocation per event: every line it wrote to
 * stdout and stderr (each must be a JSON object), and each invocation's request id and answer.
 */
async function runFunction(name: string, directory: string, events: unknown[]) {
  const eventsFile = join(work, `${name}-events.json`);
  const resultFile = join(work, `${name}-result.json`);
  await writeFile(eventsFile, JSON.stringify(events));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', RUNTIME, join(ROOT, 'functions', directory, 'handler.ts'), eventsFile, resultFile],
    { cwd: ROOT, env: lambdaEnvironment(name) },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`${name} exited ${code}:\n${output}`);
  const lines = output
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text): LogLine => {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`not a JSON object: ${text}`);
      }
      return parsed as LogLine;
    });
  const invocations = JSON.parse(await readFile(resultFile, 'utf8')) as {
    requestId: string;
    result: unknown;
  }[];
  return { lines, invocations, requestIds: invocations.map((invocation) => invocation.requestId) };
}

/** A JSON object or array written as a string: a line encoded twice. */
const isEncodedJson = (value: unknown) => typeof value === 'string' && /^\s*[{[]/.test(value);

/** What every function's lines must show, whatever the function. */
function expectTopLevelRequestIds(run: Awaited<ReturnType<typeof runFunction>>) {
  expect(run.lines.length).toBeGreaterThan(0);
  // Every line names its invocation at the top level, and no field holds a JSON document as a string.
  expect(
    run.lines.filter(
      (line) => !run.requestIds.includes(String(line.request_id)) || Object.values(line).some(isEncodedJson),
    ),
  ).toEqual([]);
  // And each invocation wrote at least one line.
  expect(run.requestIds.filter((id) => !run.lines.some((line) => line.request_id === id))).toEqual([]);
}

const outboxEvent = (applicationId: string): OutboxEvent => ({
  event_id: 'evt_log_format_1',
  event_type: 'recording.started',
  application_id: applicationId,
  call_id: 'call_log_format',
  created_at: '2026-11-24T10:00:00Z',
  occurred_at: '2026-11-24T10:00:00.000Z',
  body: JSON.stringify({
    event: 'recording.started',
    call: { id: 'call_log_format' },
    data: { recording: { id: 'rec_call_log_format' } },
  }),
});

/** An SQS event of Lambda's event source, one record per body. */
const sqsEvent = (records: { body: string; attributes?: Record<string, string> }[]): SQSEvent => ({
  Records: records.map(({ body, attributes = {} }, n) => ({
    messageId: `msg-${n + 1}`,
    receiptHandle: `receipt-${n + 1}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDASAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([key, value]) => [key, { dataType: 'String', stringValue: value }]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:queue',
    awsRegion: 'eu-west-1',
  })),
});

describe('every function under the stack’s JSON log format', () => {
  it('recordings: every line has the request ids and the call at the top level; every answer has X-Request-Id', async () => {
    const events = [
      apiEvent({
        path: `/v1/calls/${callId}/recordings`,
        headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
        body: '{"action":"start"}',
      }),
      apiEvent({
        method: 'GET',
        path: '/v1/nothing-here',
        headers: { authorization: `Bearer ${tenant.apiKey}` },
      }),
      apiEvent({
        path: `/v1/calls/${callId}/recordings`,
        headers: { authorization: 'Bearer mv_test_not_a_key' },
      }),
    ];
    const run = await runFunction('Recordings', 'recordings', events);
    const answers = run.invocations.map(({ result }) => result as APIGatewayProxyResult);
    // The unknown route names no call; both others name it in their path.
    const callOf = (line: LogLine) => (line.request_id === run.requestIds[1] ? undefined : callId);

    expectTopLevelRequestIds(run);
    expect(run.lines.map((line) => [line.call_id, typeof line.api_request_id])).toEqual(
      run.lines.map((line) => [callOf(line), 'string']),
    );
    expect(answers.map((answer) => [answer.statusCode, answer.headers?.['X-Request-Id']])).toEqual(
      events.map((event: APIGatewayProxyEvent, n) => [[200, 404, 401][n], event.requestContext.requestId]),
    );
    expect(
      run.lines.filter((line) => line.message === 'request').map((line) => [line.level, line.status]),
    ).toEqual([
      ['INFO', 200],
      ['INFO', 404],
      ['INFO', 401],
    ]);
  });

  it('media-events: every line has the request id, and the event’s call and recording, at the top level', async () => {
    const event = sqsEvent([
      {
        body: serializeMediaEvent({
          kind: 'recording_started',
          media_node: 'fs-a',
          core_uuid: 'core-1',
          at: new Date().toISOString(),
          source: 'event',
          channel_uuid: channel,
          path: pathTemplate
            .replace('{customer_id}', tenant.customerId)
            .replace('{call_id}', callId)
            .replace('{recording_id}', `rec_${callId}`),
        }),
      },
      { body: 'not a media event' },
    ]);
    const run = await runFunction('MediaEvents', 'media-events', [event]);

    expectTopLevelRequestIds(run);
    expect(run.lines.map((line) => [line.message, line.message_id, line.call_id, line.recording_id])).toEqual(
      [
        ['media event', 'msg-1', callId, `rec_${callId}`],
        ['dropped a message that is not a media event', 'msg-2', undefined, undefined],
      ],
    );
  });

  it('outbox-relay: every line, its metric lines included, has the request id at the top level', async () => {
    const streamEvent = JSON.parse(await readFile(join(ROOT, 'events/outbox-stream.json'), 'utf8'));
    const run = await runFunction('OutboxRelay', 'outbox-relay', [streamEvent]);

    expectTopLevelRequestIds(run);
    expect(run.lines.map((line) => Object.keys(line).filter((key) => key.startsWith('Outbox')))).toEqual([
      ['OutboxLag'],
      ['OutboxEventsRelayed'],
    ]);
  });

  it('webhook-sender: every line has the request id and the event it delivers at the top level', async () => {
    const message = serializeWebhookMessage(outboxEvent('app_does_not_exist'));
    const run = await runFunction('WebhookSender', 'webhook-sender', [sqsEvent([message])]);

    expectTopLevelRequestIds(run);
    expect(
      run.lines.map((line) => [line.event_id, line.call_id, line.recording_id, line.message_id]),
    ).toEqual(run.lines.map(() => ['evt_log_format_1', 'call_log_format', 'rec_call_log_format', 'msg-1']));
  });

  it('retention-sweep: its run line has the request id at the top level', async () => {
    const run = await runFunction('RetentionSweep', 'retention-sweep', [{}]);

    expectTopLevelRequestIds(run);
    expect(run.lines.map((line) => [line.level, line.message, line.expired])).toEqual([
      ['INFO', 'retention sweep', 0],
    ]);
  });
});
