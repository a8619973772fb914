// `npm run bench`: cold start, request cost, throughput and scale, each next to a baseline measured
// in the same run. Prints a table and writes bench/results.json. Loopback only; bounded in time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRecordingsHandler } from '../functions/recordings/create-handler.ts';
import { createWebhookSenderHandler } from '../functions/webhook-sender/create-handler.ts';
import { startDynamoDbLocal, startSqsEmulator } from '../scripts/emulators/start-emulators.ts';
import { type ApiLambda, createLocalApiServer } from '../scripts/local/local-api-server.ts';
import { createSqsEventSource, type SqsLambda } from '../scripts/local/sqs-event-source.ts';
import { createWebhookInspector } from '../scripts/local/webhook-inspector.ts';
import { createDynamoDbRecordingStore } from '../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbWebhookStore } from '../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { toApplicationItem } from '../shared/adapters/dynamodb/item-mappers.ts';
import { createTableInput, keys } from '../shared/adapters/dynamodb/table-schema.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../shared/adapters/http/http-webhook-transport.ts';
import { createSimulatedMediaServer } from '../shared/adapters/simulated/simulated-media-server.ts';
import { createSqsEventQueue } from '../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMessageVisibility } from '../shared/adapters/sqs/sqs-message-visibility.ts';
import { randomIds } from '../shared/adapters/system/random-ids.ts';
import { systemClock } from '../shared/adapters/system/system-clock.ts';
import { createJsonLogger } from '../shared/logging/json-logger.ts';
import { DEFAULT_RETRY_POLICY } from '../shared/webhooks/retry-policy.ts';
import { approveWebhookTarget } from '../shared/webhooks/target-policy.ts';
import { BUILD_DIR, buildAll } from './build-bundles.ts';
import { createRoundTripCounter, type RoundTrips } from './round-trip-counter.ts';
import { type BenchTenant, seedBackground, seedBenchTenant } from './seed-data.ts';

const BASE_TENANTS = 300;
const LATENCY_SAMPLES = 200;
const COLD_STARTS = 7;
const LOAD_SECONDS = 5;
const WEBHOOKS = 300;
const quiet = createJsonLogger({}, () => undefined);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const median = (values: number[]) => percentile(values, 50);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 } as Context;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function runNode(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - started, stdout })
        : reject(new Error(`${args[0]} exited ${code}`)),
    );
  });
}

function apiEvent(path: string, apiKey: string, body: string) {
  return {
    version: '2.0',
    routeKey: 'POST /v1/calls/{id}/recordings',
    rawPath: path,
    rawQueryString: '',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    requestContext: {
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
    },
    body,
    isBase64Encoded: false,
  } as never;
}

async function main() {
  await rm(BUILD_DIR, { recursive: true, force: true });
  await mkdir(join(BUILD_DIR, 'recordings'), { recursive: true });
  const [ddb, sqsEmulator] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  const awsEnv = {
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  Object.assign(process.env, awsEnv);
  try {
    const bundles = await buildAll();
    const results = {
      generated_at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      bundles: Object.fromEntries(Object.entries(bundles).map(([name, b]) => [name, b.bytes])),
      cold_start: await coldStart(bundles),
      scales: {} as Record<string, unknown>,
    };
    for (const scale of [1, 10]) results.scales[`x${scale}`] = await atScale(scale);
    await writeFile(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
  } finally {
    await Promise.all([ddb.stop(), sqsEmulator.stop()]);
  }
}

async function freshTable(documents: DynamoDBDocumentClient, sqs: SQSClient, name: string) {
  await documents.send(new CreateTableCommand(createTableInput(name)));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-webhooks` }));
  return queue.QueueUrl ?? '';
}

/** Fresh-process import + first request, the recordings bundle next to a trivial handler bundle. */
async function coldStart(bundles: Awaited<ReturnType<typeof buildAll>>) {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const sqs = new SQSClient({});
  const table = 'bench-cold-start';
  const queueUrl = await freshTable(documents, sqs, table);
  const tenant = await seedBenchTenant(documents, table, 1);
  const call = tenant.calls[0];
  if (!call) throw new Error('no call');
  const eventFile = join(BUILD_DIR, 'event.json');
  await writeFile(
    eventFile,
    JSON.stringify(apiEvent(`/v1/calls/${call.id}/recordings`, tenant.apiKey, '{"action":"start"}')),
  );
  const env = {
    ...process.env,
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    RECORDING_PROVIDER: 'simulated',
    SIMULATED_RECORDINGS_DIR: join(BUILD_DIR, 'recordings'),
    SIMULATED_RECORDINGS_BASE_URL: 'http://127.0.0.1:3000/recordings',
  };
  const driver = join(import.meta.dirname, 'cold-start-driver.mjs');
  // The first run starts the recording; every later one is the idempotent start (one read).
  await runNode([driver, bundles.recordings.file, eventFile], env);
  const trivial: number[] = [];
  const ours: number[] = [];
  const inside: { importMs: number; firstRequestMs: number }[] = [];
  for (let i = 0; i < COLD_STARTS; i += 1) {
    trivial.push((await runNode([driver, bundles.trivial.file, eventFile], env)).ms);
    const run = await runNode([driver, bundles.recordings.file, eventFile], env);
    ours.push(run.ms);
    inside.push(JSON.parse(run.stdout));
  }
  return {
    trivial_ms: round(median(trivial)),
    recordings_ms: round(median(ours)),
    ratio: round(median(ours) / median(trivial)),
    recordings_import_ms: round(median(inside.map((r) => r.importMs))),
    recordings_first_request_ms: round(median(inside.map((r) => r.firstRequestMs))),
  };
}

/** Request cost, latency, API throughput and webhook throughput with `scale` × the base data. */
async function atScale(scale: number) {
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const counter = createRoundTripCounter({ dynamodb, sqs });
  const table = `bench-x${scale}`;
  const queueUrl = await freshTable(documents, sqs, table);
  const background = await seedBackground(documents, table, BASE_TENANTS * scale);
  const tenant = await seedBenchTenant(documents, table, LATENCY_SAMPLES + 100);
  const provider = createSimulatedMediaServer({
    directory: join(BUILD_DIR, 'recordings'),
    baseUrl: 'http://127.0.0.1:3000/recordings',
    clock: systemClock,
  });
  const deps = {
    store: createDynamoDbRecordingStore(documents, table),
    queue: createSqsEventQueue(sqs, queueUrl),
    provider: counter.watch(provider),
    clock: systemClock,
    ids: randomIds,
    logger: quiet,
    settings: { claimLeaseMs: 10_000 },
  };
  const handler = createRecordingsHandler(deps);
  const invoke = async (callId: string, action: string) => {
    counter.reset();
    const started = performance.now();
    const result = (await handler(
      apiEvent(`/v1/calls/${callId}/recordings`, tenant.apiKey, JSON.stringify({ action })),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== 200)
      throw new Error(`bench request answered ${result.statusCode}: ${result.body}`);
    return { ms: performance.now() - started, trips: counter.read() };
  };

  const latency = { start: [] as number[], idempotent: [] as number[], stop: [] as number[] };
  const trips = {} as Record<keyof typeof latency, RoundTrips>;
  for (const call of tenant.calls.slice(0, LATENCY_SAMPLES)) {
    const start = await invoke(call.id, 'start');
    const again = await invoke(call.id, 'start');
    const stop = await invoke(call.id, 'stop');
    latency.start.push(start.ms);
    latency.idempotent.push(again.ms);
    latency.stop.push(stop.ms);
    Object.assign(trips, { start: start.trips, idempotent: again.trips, stop: stop.trips });
  }
  const getItem: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
    const started = performance.now();
    await documents.send(new GetCommand({ TableName: table, Key: keys.application(tenant.applicationId) }));
    getItem.push(performance.now() - started);
  }
  const bareP50 = percentile(getItem, 50);
  const bareP99 = percentile(getItem, 99);
  const latencyFigures = Object.fromEntries(
    Object.entries(latency).map(([name, values]) => [
      name,
      {
        p50_ms: round(percentile(values, 50)),
        p99_ms: round(percentile(values, 99)),
        p50_ratio: round(percentile(values, 50) / bareP50),
        p99_ratio: round(percentile(values, 99) / bareP99),
      },
    ]),
  );

  return {
    items_in_table: background + tenant.calls.length + 2,
    round_trips: Object.fromEntries(
      Object.entries(trips).map(([name, t]) => [
        name,
        {
          dynamodb_before_provider: t.dynamodbBeforeProvider,
          dynamodb_after_provider: t.dynamodbAfterProvider,
          sqs: t.sqs,
        },
      ]),
    ),
    latency: latencyFigures,
    bare_get_item: { p50_ms: round(bareP50), p99_ms: round(bareP99) },
    api_throughput: await apiThroughput(handler as unknown as ApiLambda, tenant, documents, table),
    webhook_throughput: await webhookThroughput(documents, sqs, table),
  };
}

/**
 * Requests/s through the local API server (the Lambda handler behind HTTP) next to two baselines: a
 * handler that only does one GetItem behind the same server (the least a DynamoDB-backed endpoint
 * does), and a bare HTTP server (the ceiling of this machine).
 */
async function apiThroughput(
  handler: ApiLambda,
  tenant: BenchTenant,
  documents: DynamoDBDocumentClient,
  table: string,
) {
  const calls = tenant.calls.slice(LATENCY_SAMPLES);
  const serve = (apiHandler: ApiLambda) =>
    createLocalApiServer({
      apiHandler,
      recordingsDir: join(BUILD_DIR, 'recordings'),
      inspector: createWebhookInspector(async () => undefined),
      onError: () => undefined,
    });
  const server = serve(handler);
  const oneRead = serve(async () => {
    await documents.send(new GetCommand({ TableName: table, Key: keys.application(tenant.applicationId) }));
    return { statusCode: 200, body: '{}' };
  });
  const bare = createServer((_req, res) => {
    _req.resume();
    _req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
  });
  const [apiUrl, oneReadUrl, bareUrl] = await Promise.all([listen(server), listen(oneRead), listen(bare)]);
  const load = async (url: string) => {
    const cpu = process.cpuUsage();
    const out = JSON.parse(
      (
        await runNode([
          join(import.meta.dirname, 'load-client.mjs'),
          JSON.stringify({
            url,
            connections: 20,
            duration: LOAD_SECONDS,
            headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
            paths: calls.map((c) => `/v1/calls/${c.id}/recordings`),
            bodies: ['{"action":"start"}', '{"action":"stop"}'],
          }),
        ])
      ).stdout,
    );
    return { ...out, cpu_ms_per_request: cpuMs(cpu) / Math.max(1, out.total) };
  };
  const ours = await load(apiUrl);
  const getItemOnly = await load(oneReadUrl);
  const baseline = await load(bareUrl);
  server.close();
  oneRead.close();
  bare.close();
  return {
    rps: round(ours.rps, 0),
    p50_ms: ours.p50,
    p99_ms: ours.p99,
    non_2xx: ours.non2xx,
    cpu_ms_per_request: round(ours.cpu_ms_per_request, 3),
    get_item_handler_rps: round(getItemOnly.rps, 0),
    get_item_handler_cpu_ms_per_request: round(getItemOnly.cpu_ms_per_request, 3),
    rps_ratio_to_get_item_handler: round(ours.rps / getItemOnly.rps, 3),
    bare_http_rps: round(baseline.rps, 0),
    rps_ratio_to_bare_http: round(ours.rps / baseline.rps, 4),
  };
}

/** Webhooks delivered/s by the sender (SQS → handler → HTTP) next to bare HTTP POSTs to the same receiver. */
async function webhookThroughput(documents: DynamoDBDocumentClient, sqs: SQSClient, table: string) {
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  const url = `${await listen(receiver)}/hook`;
  const applicationId = `app_bench${Date.now()}`;
  await documents.send(
    new PutCommand({
      TableName: table,
      Item: toApplicationItem({
        id: applicationId,
        customer_id: 'cust_bench',
        status: 'active',
        webhook_url: url,
        webhook_secret: 'whsec_bench',
        created_at: '2026-11-24T10:00:00Z',
      }),
    }),
  );
  const queueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `${table}-deliveries` }))).QueueUrl ?? '';
  const body = (i: number) =>
    JSON.stringify({
      event: 'recording.completed',
      created_at: '2026-11-24T10:00:00Z',
      call: { id: `call_b${i}`, application_id: applicationId },
      variables: {},
      data: { event_key: `rec_call_b${i}:recording.completed` },
    });
  for (let i = 0; i < WEBHOOKS; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({
          Id: String(j),
          MessageBody: body(i + j),
          MessageAttributes: {
            event_id: { DataType: 'String', StringValue: `evt_bench${i + j}` },
            event_type: { DataType: 'String', StringValue: 'recording.completed' },
            application_id: { DataType: 'String', StringValue: applicationId },
          },
        })),
      }),
    );
  }
  const transport = createHttpWebhookTransport();
  const handler = createWebhookSenderHandler({
    store: createDynamoDbWebhookStore(documents, table),
    transport,
    approveTarget: (target) =>
      approveWebhookTarget(target, { allowInsecureLocalTargets: true }, systemResolver),
    visibility: createSqsMessageVisibility(sqs, queueUrl),
    clock: systemClock,
    logger: quiet,
    settings: { timeoutMs: 10_000, userAgent: 'MiniVoice-Webhooks/1.0', retry: DEFAULT_RETRY_POLICY },
  });
  // Five pollers stand in for Lambda's concurrent SQS pollers.
  const source = createSqsEventSource({ sqs, queueUrl, handler: handler as unknown as SqsLambda });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + 60_000;
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      while (received < WEBHOOKS && performance.now() < deadline) await source.pollOnce();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const ours = {
    per_second: received / seconds,
    cpu_ms: cpuMs(cpu) / Math.max(1, received),
    delivered: received,
  };

  // Baseline: the same number of bodies POSTed straight to the receiver, 5 at a time, same transport.
  received = 0;
  const target = await approveWebhookTarget(url, { allowInsecureLocalTargets: true }, systemResolver);
  const baseCpu = process.cpuUsage();
  const baseStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      while (next < WEBHOOKS) {
        const i = next++;
        await transport.post(target, { 'Content-Type': 'application/json' }, body(i), 10_000);
      }
    }),
  );
  const baseSeconds = (performance.now() - baseStart) / 1000;
  receiver.close();
  return {
    delivered: ours.delivered,
    per_second: round(ours.per_second, 0),
    cpu_ms_per_delivery: round(ours.cpu_ms, 3),
    baseline_per_second: round(WEBHOOKS / baseSeconds, 0),
    baseline_cpu_ms_per_post: round(cpuMs(baseCpu) / WEBHOOKS, 3),
    ratio: round(ours.per_second / (WEBHOOKS / baseSeconds), 3),
  };
}

function printTable(results: {
  bundles: Record<string, number>;
  cold_start: Record<string, number>;
  scales: Record<string, unknown>;
}) {
  const rows: [string, string, string, string][] = [['figure', 'value', 'baseline', 'ratio / target']];
  for (const [name, bytes] of Object.entries(results.bundles))
    rows.push([
      `bundle ${name}`,
      `${(bytes / 1024).toFixed(1)} KB`,
      '',
      name === 'recordings' ? `< 250 KB: ${bytes < 250 * 1024 ? 'ok' : 'MISSED'}` : '',
    ]);
  const c = results.cold_start;
  rows.push([
    'cold start (fresh node, import + 1st request)',
    `${c.recordings_ms} ms`,
    `${c.trivial_ms} ms trivial`,
    `${c.ratio}× (< 3×: ${(c.ratio ?? 99) < 3 ? 'ok' : 'MISSED'})`,
  ]);
  for (const [scale, raw] of Object.entries(results.scales)) {
    const s = raw as Record<string, Record<string, Record<string, number>>> & { items_in_table: number };
    rows.push([`— ${scale}: ${s.items_in_table} items in the table`, '', '', '']);
    for (const [name, t] of Object.entries(s.round_trips ?? {}))
      rows.push([
        `${scale} ${name}: round trips`,
        `DDB ${t.dynamodb_before_provider}+${t.dynamodb_after_provider}, SQS ${t.sqs}`,
        '',
        name === 'idempotent'
          ? ''
          : `≤2 + ≤1: ${(t.dynamodb_before_provider ?? 9) <= 2 && (t.dynamodb_after_provider ?? 9) <= 1 ? 'ok' : 'MISSED'}`,
      ]);
    for (const [name, l] of Object.entries(s.latency ?? {}))
      rows.push([
        `${scale} ${name}: p50 / p99`,
        `${l.p50_ms} / ${l.p99_ms} ms`,
        `${s.bare_get_item?.p50_ms} / ${s.bare_get_item?.p99_ms} ms GetItem`,
        `${l.p50_ratio}× / ${l.p99_ratio}×`,
      ]);
    const a = s.api_throughput as unknown as Record<string, number>;
    rows.push([
      `${scale} API through local server (start/stop mix)`,
      `${a.rps} req/s, ${a.cpu_ms_per_request} ms CPU/req, ${a.non_2xx} non-2xx`,
      `${a.get_item_handler_rps} req/s one-GetItem handler`,
      `${a.rps_ratio_to_get_item_handler}×`,
    ]);
    rows.push([
      `${scale} ... same, bare HTTP ceiling`,
      '',
      `${a.bare_http_rps} req/s`,
      `${a.rps_ratio_to_bare_http}×`,
    ]);
    const w = s.webhook_throughput as unknown as Record<string, number>;
    rows.push([
      `${scale} webhooks delivered`,
      `${w.per_second}/s, ${w.cpu_ms_per_delivery} ms CPU each`,
      `${w.baseline_per_second}/s bare POST`,
      `${w.ratio}×`,
    ]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | '));
}

await main();
