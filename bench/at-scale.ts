import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createRecordingsHandler } from '../functions/recordings/create-handler.ts';
import type { ApiLambda } from '../scripts/local/local-api-server.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { keys } from '../shared/adapters/dynamodb/table-schema.ts';
import { apiThroughput } from './api-throughput.ts';
import {
  apiEvent,
  BASE_TENANTS,
  context,
  freshTable,
  LATENCY_SAMPLES,
  percentile,
  round,
} from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { benchRecordingsDeps } from './bench-wiring.ts';
import { createRoundTripCounter, type RoundTrips } from './round-trip-counter.ts';
import { seedBackground, seedBenchTenant } from './seed-data.ts';
import { webhookThroughput } from './webhook-throughput.ts';

/** Request cost, latency, API throughput and webhook throughput with `scale` × the base data. */
export async function atScale(scale: number, media: BenchMediaServer) {
  const clients = createAwsClients({ s3PathStyle: true });
  const { dynamodb, documents } = clients;
  const sqs = clients.sqs();
  const counter = createRoundTripCounter({ dynamodb, sqs });
  const table = `bench-x${scale}`;
  const queueUrl = await freshTable(documents, sqs, table);
  const background = await seedBackground(documents, table, BASE_TENANTS * scale);
  const tenant = await seedBenchTenant(documents, table, LATENCY_SAMPLES + 100);
  for (const call of tenant.calls) media.freeswitch.addChannel(call.provider_call_id as string);
  const pipeline = await media.startPipeline({ table, webhookQueueUrl: queueUrl });
  const deps = benchRecordingsDeps(
    { documents, sqs, table, queueUrl },
    { media: pipeline.recordingMedia, provider: counter.watch(media.provider), files: media.files },
  );
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

  const figures = {
    items_in_table: background + tenant.calls.length + 2,
    round_trips: Object.fromEntries(
      Object.entries(trips).map(([name, t]) => [
        name,
        {
          dynamodb_before_provider: t.dynamodbBeforeProvider,
          dynamodb_after_provider: t.dynamodbAfterProvider,
          // A stop only reads after the media server: the media-events function commits its end.
          dynamodb_writes_after_provider: writesAfterProvider(t),
          sqs: t.sqs,
        },
      ]),
    ),
    latency: latencyFigures,
    bare_get_item: { p50_ms: round(bareP50), p99_ms: round(bareP99) },
    api_throughput: await apiThroughput(handler as unknown as ApiLambda, tenant, documents, table),
    webhook_throughput: await webhookThroughput(documents, sqs, table),
  };
  await pipeline.stop();
  return figures;
}

/** DynamoDB writes a request made after it called the media server. */
function writesAfterProvider(trips: RoundTrips): number {
  const after = trips.commands.filter((c) => c.startsWith('dynamodb:')).slice(trips.dynamodbBeforeProvider);
  return after.filter((c) => !/(Get|Query|Scan)/.test(c)).length;
}
