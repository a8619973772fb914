import { createServer } from 'node:http';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createRecordingsHandler } from '../functions/recordings/create-handler.ts';
import { createWebhookSenderHandler } from '../functions/webhook-sender/create-handler.ts';
import { LOCAL_WEBHOOK_SECRETS_KEY } from '../scripts/emulators/local-kms.ts';
import { createSqsEventSource, type SqsLambda } from '../scripts/local/sqs-event-source.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { keys } from '../shared/adapters/dynamodb/table-schema.ts';
import { lazyKmsClient } from '../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../shared/adapters/kms/kms-secret-sealer.ts';
import { apiEvent, context, freshTable, listen, round } from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { benchRecordingsDeps, benchSenderDeps } from './bench-wiring.ts';
import { createCapacityMeter } from './capacity-meter.ts';
import { costPer1000Recordings, type PairUsage } from './prices.ts';
import { seedBenchTenant } from './seed-data.ts';
import { createInvocationMeter, createSqsRequestMeter } from './usage-meters.ts';

/** Start+stop pairs measured. */
const PAIRS = 20;

/**
 * DynamoDB capacity a start+stop pair costs the whole service, until both webhooks are delivered: the
 * two requests, the media-events function completing the recording, and the webhook sender (each with
 * clients of its own, metered apart). Read from DynamoDB Local's `ConsumedCapacity`, indexes included.
 * The outbox relay reads the table's stream, which consumes no table capacity (and is free when a
 * Lambda function reads it).
 */
export async function writeUnitsPerPair(media: BenchMediaServer) {
  const metered = () => {
    const clients = createAwsClients({ s3PathStyle: true });
    return {
      clients,
      meter: createCapacityMeter(clients.dynamodb),
      sqs: createSqsRequestMeter(clients.sqs()),
    };
  };
  const invocations = createInvocationMeter();
  const request = metered();
  const mediaEvents = metered();
  const sender = metered();
  const table = 'bench-write-units';
  const queueUrl = await freshTable(request.clients.documents, request.clients.sqs(), table);
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  const url = `${await listen(receiver)}/hook`;
  const tenant = await seedBenchTenant(request.clients.documents, table, PAIRS);
  const kmsSealer = createKmsSecretSealer(lazyKmsClient(), LOCAL_WEBHOOK_SECRETS_KEY.alias as string);
  // Every opening is a KMS Decrypt (the sender caches what it opened).
  let kmsRequests = 0;
  const sealer: typeof kmsSealer = {
    ...kmsSealer,
    open: (sealed, applicationId) => {
      kmsRequests += 1;
      return kmsSealer.open(sealed, applicationId);
    },
  };
  await request.clients.documents.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.application(tenant.applicationId),
      UpdateExpression: 'SET webhook_url = :url, webhook_secret = :secret',
      ExpressionAttributeValues: {
        ':url': url,
        ':secret': await sealer.seal('whsec_bench', tenant.applicationId),
      },
    }),
  );
  for (const call of tenant.calls) media.freeswitch.addChannel(call.provider_call_id as string);
  const pipeline = await media.startPipeline({
    table,
    webhookQueueUrl: queueUrl,
    clients: mediaEvents.clients,
    invocations,
  });
  const handler = invocations.wrap(
    'recordings',
    createRecordingsHandler(
      benchRecordingsDeps(
        { documents: request.clients.documents, sqs: request.clients.sqs(), table, queueUrl },
        { media: pipeline.recordingMedia, provider: media.provider, files: media.files },
      ),
    ),
  );
  const senderSqs = sender.clients.sqs();
  const senderHandler = invocations.wrap(
    'webhook-sender',
    createWebhookSenderHandler(
      benchSenderDeps({ documents: sender.clients.documents, sqs: senderSqs, table, queueUrl }, sealer),
    ),
  );
  const deliveries = createSqsEventSource({
    sqs: senderSqs,
    queueUrl,
    handler: senderHandler as unknown as SqsLambda,
    waitTimeSeconds: 0,
    emptyPauseMs: 20,
  });
  deliveries.start();

  for (const call of tenant.calls) {
    for (const action of ['start', 'stop']) {
      const result = (await handler(
        apiEvent(`/v1/calls/${call.id}/recordings`, tenant.apiKey, JSON.stringify({ action })),
        context,
      )) as APIGatewayProxyStructuredResultV2;
      if (result.statusCode !== 200) throw new Error(`bench ${action} answered ${result.statusCode}`);
    }
  }
  const deadline = Date.now() + 60_000;
  while (received < 2 * PAIRS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500)); // the last acknowledgements and records
  await deliveries.stop();
  await pipeline.stop();
  receiver.close();
  const perPair = (units: number) => round(units / PAIRS, 1);
  const parts = {
    request: request.meter.read(),
    media_events: mediaEvents.meter.read(),
    sender: sender.meter.read(),
  };
  const writeTotal = Object.values(parts).reduce((sum, u) => sum + u.write, 0);
  const readTotal = Object.values(parts).reduce((sum, u) => sum + u.read, 0);
  const lambda = Object.fromEntries(
    Object.entries(invocations.read()).map(([name, f]) => [
      name,
      { invocations: round(f.invocations / PAIRS, 2), billed_ms: round(f.billed_ms / PAIRS, 1) },
    ]),
  );
  const usage: PairUsage = {
    dynamodb_write_units: writeTotal / PAIRS,
    dynamodb_read_units: readTotal / PAIRS,
    sqs_requests: round((request.sqs.read() + mediaEvents.sqs.read() + sender.sqs.read()) / PAIRS, 2),
    lambda,
    api_requests: (invocations.read().recordings?.invocations ?? 0) / PAIRS,
    kms_requests: round(kmsRequests / PAIRS, 2),
  };
  return {
    pairs: PAIRS,
    usage_per_pair: usage,
    cost_per_1000_recordings: costPer1000Recordings(usage),
    delivered: received,
    write_units: {
      ...Object.fromEntries(Object.entries(parts).map(([name, u]) => [name, perPair(u.write)])),
      total: perPair(Object.values(parts).reduce((sum, u) => sum + u.write, 0)),
    },
    read_units: {
      ...Object.fromEntries(Object.entries(parts).map(([name, u]) => [name, perPair(u.read)])),
      total: perPair(Object.values(parts).reduce((sum, u) => sum + u.read, 0)),
    },
  };
}
