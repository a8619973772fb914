import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createRecordingsHandler } from '../functions/recordings/create-handler.ts';
import type { ApiLambda } from '../scripts/local/local-api-server.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { keys } from '../shared/adapters/dynamodb/table-schema.ts';
import { recordingIdFor } from '../shared/recordings/call-rules.ts';
import type { Recording } from '../shared/recordings/types.ts';
import { apiThroughput } from './api-throughput.ts';
import {
  apiEvent,
  BASE_TENANTS,
  CALL_HISTORY,
  context,
  median,
  percentile,
  QUICK,
  round,
  SCALE_SAMPLES,
  THROUGHPUT_CALLS,
} from './bench-helpers.ts';
import { BENCH_BUCKET, type BenchMediaServer, startBenchMediaServer } from './bench-media-server.ts';
import { benchRecordingsDeps } from './bench-wiring.ts';
import {
  createMediaDownloader,
  type DownloadSample,
  downloadRoundTrips,
  followDownloadLink,
} from './media-download.ts';
import { createRoundTripCounter, type RoundTrips } from './round-trip-counter.ts';
import type { BenchTenant } from './seed-data.ts';
import { enableStream, seedBackground, seedBenchTenant, tableForSeeding } from './seed-data.ts';
import { webhookThroughput } from './webhook-throughput.ts';

/** The data sets compared: the base one, and ten times its tenants and each call's own history. */
const SCALES = [1, 10] as const;
/** Where API and webhook throughput are measured: the quick run keeps to x1 (its slow half is x10's). */
const THROUGHPUT_SCALES: readonly number[] = QUICK ? [1] : SCALES;
const OPERATIONS = ['start', 'idempotent', 'stop'] as const;
type Operation = (typeof OPERATIONS)[number];
/** What each timed call is asked, in order: the recording requests, then the download of its audio. */
const TIMED = [...OPERATIONS, 'download'] as const;
type Timed = (typeof TIMED)[number];

/**
 * The per-request figures at x1 and x10, measured interleaved in one run so that the machine's load
 * falls on both alike: both data sets are seeded first (tables `bench-x1` and `bench-x10`), then each
 * timed call — at x1 and at x10 in turn, the order alternating — takes a start, an idempotent start, a
 * stop and a download of the recording it stopped, each after a bare GetItem of the call on the same
 * table (the floor). Then API and webhook throughput at each scale (the quick run: x1 only). Returns
 * `x1`, `x10` and `x10_over_x1` (every per-request figure at x10 over the same at x1).
 */
export async function atScales(media: BenchMediaServer) {
  const clients = createAwsClients({ s3PathStyle: true });
  const { dynamodb, documents } = clients;
  const sqs = clients.sqs();
  const counter = createRoundTripCounter({ dynamodb, sqs });
  // A relay takes every recording on its media server and reports it to its one table's pipeline, so
  // the x10 table records on a media server of its own.
  const ownMedia = await startBenchMediaServer();
  const runs: ScaleRun[] = [];
  try {
    for (const scale of SCALES) {
      const server = scale === 1 ? media : ownMedia;
      const table = `bench-x${scale}`;
      const queueUrl = await tableForSeeding(documents, sqs, table);
      const background = await seedBackground(documents, table, BASE_TENANTS * scale);
      // The timed calls, then one to warm up on (the throughput load's first, where there is one).
      const calls = SCALE_SAMPLES + (THROUGHPUT_SCALES.includes(scale) ? THROUGHPUT_CALLS : 1);
      const tenant = await seedBenchTenant(documents, table, calls, CALL_HISTORY * scale);
      await enableStream(documents, table);
      for (const call of tenant.calls) server.freeswitch.addChannel(call.provider_call_id as string);
      const pipeline = await server.startPipeline({ table, webhookQueueUrl: queueUrl });
      const handler = createRecordingsHandler(
        benchRecordingsDeps(
          { documents, sqs, table, queueUrl },
          { media: pipeline.recordingMedia, provider: counter.watch(server.provider), files: server.files },
        ),
      );
      runs.push({
        scale,
        table,
        tenant,
        handler,
        pipeline,
        items: background + tenant.items,
        download: createMediaDownloader({
          handler,
          apiKey: tenant.apiKey,
          counter,
          s3Endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? '',
          bucket: BENCH_BUCKET,
        }),
        ms: { start: [], idempotent: [], stop: [], download: [] },
        trips: { start: [], idempotent: [], stop: [] },
        downloads: [],
        floor: [],
      });
    }

    const invoke = async (run: ScaleRun, callId: string, action: 'start' | 'stop') => {
      counter.reset();
      const started = performance.now();
      const result = (await run.handler(
        apiEvent(`/v1/calls/${callId}/recordings`, run.tenant.apiKey, JSON.stringify({ action })),
        context,
      )) as APIGatewayProxyResult;
      const ms = performance.now() - started;
      const trips = counter.read();
      if (result.statusCode !== 200)
        throw new Error(`bench ${action} at x${run.scale} answered ${result.statusCode}: ${result.body}`);
      const recording = (JSON.parse(result.body) as { data: { recording: Recording } }).data.recording;
      return { ms, trips, recording };
    };
    const floor = async (run: ScaleRun, callId: string) => {
      const started = performance.now();
      await documents.send(new GetCommand({ TableName: run.table, Key: keys.call(callId) }));
      run.floor.push(performance.now() - started);
    };
    /** One call's start, idempotent start, stop and download, each after a floor; `record` keeps them. */
    const timeCall = async (run: ScaleRun, callId: string, record = true) => {
      await floor(run, callId);
      const start = await invoke(run, callId, 'start');
      await floor(run, callId);
      const again = await invoke(run, callId, 'start');
      await floor(run, callId);
      const stop = await invoke(run, callId, 'stop');
      // The call's own history is real to the service: its next recording is numbered after it.
      const expected = recordingIdFor(callId, CALL_HISTORY * run.scale + 1);
      if (
        start.recording.id !== expected ||
        again.recording.id !== expected ||
        stop.recording.status !== 'completed'
      )
        throw new Error(
          `bench call ${callId} at x${run.scale}: started ${start.recording.id}, stop left ${stop.recording.status}`,
        );
      await floor(run, callId);
      // The recording this stop completed: its audio is in the S3 emulator now.
      const download = await run.download(stop.recording);
      if (!record) return;
      for (const [op, sample] of [
        ['start', start],
        ['idempotent', again],
        ['stop', stop],
      ] as const) {
        run.ms[op].push(sample.ms);
        run.trips[op].push(sample.trips);
      }
      run.ms.download.push(download.ms);
      run.downloads.push(download);
    };
    // Untimed, once per scale: lazy SDK loads and first connections are not what the figures compare.
    for (const run of runs) {
      const warmUp = run.tenant.calls[SCALE_SAMPLES];
      if (warmUp) await timeCall(run, warmUp.id, false);
      run.floor.length = 0;
    }
    for (let i = 0; i < SCALE_SAMPLES; i += 1) {
      // Which scale goes first alternates, so neither always runs right after the other's stop.
      for (const run of i % 2 === 0 ? runs : [...runs].reverse()) {
        const call = run.tenant.calls[i];
        if (call) await timeCall(run, call.id);
      }
    }

    const results: Record<string, unknown> = {};
    const figures = new Map<number, ScaleFigures>();
    for (const run of runs) figures.set(run.scale, await scaleFigures(run));
    // Throughput after every timed request, both pipelines still running (each scale's load has the
    // other's idle pipeline beside it, alike).
    for (const run of runs) {
      const f = figures.get(run.scale);
      if (!THROUGHPUT_SCALES.includes(run.scale)) {
        results[`x${run.scale}`] = f;
        continue;
      }
      results[`x${run.scale}`] = {
        ...f,
        api_throughput: await apiThroughput(
          run.handler as unknown as ApiLambda,
          run.tenant,
          run.tenant.calls.slice(SCALE_SAMPLES),
          documents,
          run.table,
        ),
        webhook_throughput: await webhookThroughput(documents, sqs, run.table),
      };
    }
    const [x1, x10] = SCALES.map((scale) => figures.get(scale));
    if (x1 && x10) results.x10_over_x1 = scaleRatios(x1, x10);
    return results;
  } finally {
    for (const run of runs) await run.pipeline.stop();
    await ownMedia.freeswitch.close();
    clients.destroy();
  }
}

/** One scale's table, tenant and handler, and what its timed calls measured. */
interface ScaleRun {
  scale: number;
  table: string;
  tenant: BenchTenant;
  handler: ReturnType<typeof createRecordingsHandler>;
  pipeline: Awaited<ReturnType<BenchMediaServer['startPipeline']>>;
  items: number;
  download: ReturnType<typeof createMediaDownloader>;
  ms: Record<Timed, number[]>;
  trips: Record<Operation, RoundTrips[]>;
  downloads: DownloadSample[];
  /** Bare GetItems of the timed calls, one before each timed request. */
  floor: number[];
}

/** The per-request figures of one scale. */
type ScaleFigures = Awaited<ReturnType<typeof scaleFigures>>;

async function scaleFigures(run: ScaleRun) {
  // The last link: pre-signed URLs expire (300 s by default), and the first is minutes old by now.
  const last = run.downloads.at(-1);
  return {
    items_in_table: run.items,
    call_history: {
      past_recordings: CALL_HISTORY * run.scale,
      // The call, and per past recording its item and its started and completed outbox events.
      items_in_call_partition: 1 + 3 * CALL_HISTORY * run.scale,
    },
    round_trips: Object.fromEntries(OPERATIONS.map((op) => [op, requestRoundTrips(run.trips[op])])),
    latency: Object.fromEntries(TIMED.map((op) => [op, latencyFigure(run.ms[op], run.floor)])),
    bare_get_item: floorFigure(run.floor, run.ms.start.length),
    media_download: {
      round_trips: downloadRoundTrips(run.downloads),
      // One redirect followed (not timed): the link the figure times serves the audio.
      link_bytes_served: last ? await followDownloadLink(last.location) : 0,
    },
  };
}

/**
 * The tail percentiles `n` samples can quote: ten samples beyond each (so a p99 takes 1,000, a p95
 * 200, a p90 100); p90 only when p95 cannot be.
 */
export function tailsFor(n: number): number[] {
  const quotable = (p: number) => n * (100 - p) >= 1000;
  const tails = [95, 99].filter(quotable);
  return tails.length > 0 ? tails : [90].filter(quotable);
}

/** p50 and the quotable tails of a request, each over the interleaved floor at the same percentile. */
function latencyFigure(values: number[], floor: number[]) {
  const tails = tailsFor(values.length);
  const out: Record<string, number | string> = { samples: values.length };
  for (const p of [50, ...tails]) {
    out[`p${p}_ms`] = round(percentile(values, p));
    out[`p${p}_ratio`] = round(percentile(values, p) / percentile(floor, p));
  }
  // The highest percentile quoted: the table prints it beside the p50.
  if (tails.length > 0) out.tail = `p${tails.at(-1)}`;
  return out;
}

/** The floor's p50 and tails: those its own samples can quote, and those the requests' count quotes. */
function floorFigure(floor: number[], requestSamples: number) {
  const tails = [...new Set([...tailsFor(requestSamples), ...tailsFor(floor.length)])].sort((a, b) => a - b);
  const out: Record<string, number> = { samples: floor.length };
  for (const p of [50, ...tails]) out[`p${p}_ms`] = round(percentile(floor, p));
  return out;
}

/**
 * A request's round trips, each the median over its samples: the counts repeat unless a retry happened,
 * and a stop's reads after the media server (polls until the media events complete it) vary a little.
 */
function requestRoundTrips(samples: RoundTrips[]) {
  return {
    dynamodb_before_provider: median(samples.map((t) => t.dynamodbBeforeProvider)),
    dynamodb_after_provider: median(samples.map((t) => t.dynamodbAfterProvider)),
    // A stop only reads after the media server: the media-events function commits its end.
    dynamodb_writes_after_provider: median(samples.map(writesAfterProvider)),
    sqs: median(samples.map((t) => t.sqs)),
  };
}

/** DynamoDB writes a request made after it called the media server. */
function writesAfterProvider(trips: RoundTrips): number {
  const after = trips.commands.filter((c) => c.startsWith('dynamodb:')).slice(trips.dynamodbBeforeProvider);
  return after.filter((c) => !/(Get|Query|Scan)/.test(c)).length;
}

/**
 * Every per-request figure at x10 over the same at x1: the p50 of each request and its DynamoDB round
 * trips; and the floor's p50 (information: how much the bare read itself moved).
 */
function scaleRatios(x1: ScaleFigures, x10: ScaleFigures) {
  const entry = (a: number, b: number) => ({ x1: a, x10: b, ratio: round(b / a) });
  const p50 = (f: typeof x1, op: Timed) => Number(f.latency[op]?.p50_ms);
  const dynamodb = (f: typeof x1, op: Operation) =>
    (f.round_trips[op]?.dynamodb_before_provider ?? 0) + (f.round_trips[op]?.dynamodb_after_provider ?? 0);
  const downloadTrips = (f: typeof x1) =>
    f.media_download.round_trips.dynamodb_reads + f.media_download.round_trips.dynamodb_writes;
  const ratios: Record<string, { x1: number; x10: number; ratio: number }> = {};
  for (const op of TIMED) ratios[`${op}_p50_ms`] = entry(p50(x1, op), p50(x10, op));
  for (const op of OPERATIONS)
    ratios[`${op}_dynamodb_round_trips`] = entry(dynamodb(x1, op), dynamodb(x10, op));
  ratios.download_dynamodb_round_trips = entry(downloadTrips(x1), downloadTrips(x10));
  ratios.bare_get_item_p50_ms = entry(x1.bare_get_item.p50_ms ?? 0, x10.bare_get_item.p50_ms ?? 0);
  return ratios;
}
