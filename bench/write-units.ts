import { createServer } from 'node:http';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createRecordingsHandler } from '../functions/recordings/create-handler.ts';
import { createWebhookSenderHandler } from '../functions/webhook-sender/create-handler.ts';
import { LOCAL_WEBHOOK_SECRETS_KEY } from '../scripts/emulators/local-kms.ts';
import { createSqsEventSource, type SqsLambda } from '../scripts/local/sqs-event-source.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbApiKeyReader } from '../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { keys } from '../shared/adapters/dynamodb/table-schema.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../shared/adapters/http/http-webhook-transport.ts';
import { lazyKmsClient } from '../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../shared/adapters/kms/kms-secret-sealer.ts';
import { createSqsDeadLetters } from '../shared/adapters/sqs/sqs-dead-letter-queue.ts';
import { createSqsEventQueue } from '../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMessageVisibility } from '../shared/adapters/sqs/sqs-message-visibility.ts';
import { randomIds } from '../shared/adapters/system/random-ids.ts';
import { systemClock } from '../shared/adapters/system/system-clock.ts';
import { DEFAULT_RETRY_POLICY } from '../shared/webhooks/retry-policy.ts';
import { cacheOpenedSecrets } from '../shared/webhooks/secret-cache.ts';
import { approveWebhookTarget } from '../shared/webhooks/target-policy.ts';
import {
  apiEvent,
  BENCH_ALLOWANCE,
  context,
  freshTable,
  listen,
  noMetrics,
  quiet,
  round,
} from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
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
    createRecordingsHandler({
      store: createDynamoDbRecordingStore(request.clients.documents, table),
      archive: createDynamoDbArchiveStore(request.clients.documents, table),
      media: pipeline.recordingMedia,
      keys: createDynamoDbApiKeyReader(request.clients.documents, table),
      allowance: createDynamoDbRequestAllowance(
        request.clients.documents,
        table,
        BENCH_ALLOWANCE,
        systemClock,
      ),
      deliveries: createDynamoDbWebhookStore(request.clients.documents, table),
      queue: createSqsEventQueue(request.clients.sqs, queueUrl),
      provider: media.provider,
      files: media.files,
      clock: systemClock,
      ids: randomIds,
      logger: quiet,
      metrics: noMetrics,
      settings: { claimLeaseMs: 10_000, stopSettleMs: 8000, publicApiUrl: 'http://127.0.0.1:3000' },
    }),
  );
  const senderSqs = sender.clients.sqs();
  const senderHandler = invocations.wrap(
    'webhook-sender',
    createWebhookSenderHandler({
      store: createDynamoDbWebhookStore(sender.clients.documents, table),
      queue: createSqsEventQueue(senderSqs, queueUrl),
      deadLetters: createSqsDeadLetters(senderSqs, queueUrl),
      metrics: noMetrics,
      transport: createHttpWebhookTransport(),
      approveTarget: (target) =>
        approveWebhookTarget(target, { allowInsecureLocalTargets: true }, systemResolver),
      visibility: createSqsMessageVisibility(senderSqs, queueUrl),
      secrets: cacheOpenedSecrets(sealer, systemClock),
      clock: systemClock,
      logger: quiet,
      settings: {
        timeoutMs: 10_000,
        userAgent: 'MiniVoice-Webhooks/1.0',
        disableAfterMs: 5 * 86_400_000,
        retry: DEFAULT_RETRY_POLICY,
      },
    }),
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
