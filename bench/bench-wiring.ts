import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordingsHandlerDeps } from '../functions/recordings/create-handler.ts';
import type { WebhookSenderDeps } from '../functions/webhook-sender/create-handler.ts';
import { createDynamoDbApiKeyReader } from '../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../shared/adapters/http/http-webhook-transport.ts';
import { createSqsDeadLetters } from '../shared/adapters/sqs/sqs-dead-letter-queue.ts';
import { createSqsEventQueue } from '../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMessageVisibility } from '../shared/adapters/sqs/sqs-message-visibility.ts';
import { randomIds } from '../shared/adapters/system/random-ids.ts';
import { systemClock } from '../shared/adapters/system/system-clock.ts';
import type { SecretOpener } from '../shared/webhooks/ports.ts';
import { DEFAULT_RETRY_POLICY } from '../shared/webhooks/retry-policy.ts';
import { cacheOpenedSecrets } from '../shared/webhooks/secret-cache.ts';
import { approveWebhookTarget } from '../shared/webhooks/target-policy.ts';
import { BENCH_ALLOWANCE, noMetrics, quiet } from './bench-helpers.ts';

/** Where a bench's functions keep their data: the clients, the table and the webhook queue. */
export interface BenchStorage {
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
  table: string;
  queueUrl: string;
}

/**
 * The recordings function's deps as production wires them (`functions/recordings/deps.ts`), on the
 * bench's emulators, media server and storage. The allowance is the real one with a limit the bench
 * never reaches: it measures what the limiter costs, not its refusals. The queue takes redeliveries
 * only: a start's or stop's events leave through the table's stream.
 */
export function benchRecordingsDeps(
  storage: BenchStorage,
  media: Pick<RecordingsHandlerDeps, 'media' | 'provider' | 'files'>,
): RecordingsHandlerDeps {
  const { documents, sqs, table, queueUrl } = storage;
  return {
    store: createDynamoDbRecordingStore(documents, table),
    archive: createDynamoDbArchiveStore(documents, table),
    keys: createDynamoDbApiKeyReader(documents, table),
    allowance: createDynamoDbRequestAllowance(documents, table, BENCH_ALLOWANCE, systemClock),
    deliveries: createDynamoDbWebhookStore(documents, table),
    queue: createSqsEventQueue(sqs, queueUrl),
    ...media,
    clock: systemClock,
    ids: randomIds,
    logger: quiet,
    metrics: noMetrics,
    settings: { claimLeaseMs: 10_000, stopSettleMs: 8000, publicApiUrl: 'http://127.0.0.1:3000' },
  };
}

/**
 * The webhook sender's deps as production wires them (`functions/webhook-sender/deps.ts`), delivering
 * to the bench's loopback receivers, opening secrets through `sealer` with the production cache. A
 * bench that compares with bare POSTs passes the transport it posts with, so both share its connections.
 */
export function benchSenderDeps(
  storage: BenchStorage,
  sealer: SecretOpener,
  transport = createHttpWebhookTransport(),
): WebhookSenderDeps {
  const { documents, sqs, table, queueUrl } = storage;
  return {
    store: createDynamoDbWebhookStore(documents, table),
    queue: createSqsEventQueue(sqs, queueUrl),
    deadLetters: createSqsDeadLetters(sqs, queueUrl),
    metrics: noMetrics,
    transport,
    approveTarget: (target) =>
      approveWebhookTarget(target, { allowInsecureLocalTargets: true }, systemResolver),
    visibility: createSqsMessageVisibility(sqs, queueUrl),
    secrets: cacheOpenedSecrets(sealer, systemClock),
    clock: systemClock,
    logger: quiet,
    settings: {
      timeoutMs: 10_000,
      userAgent: 'MiniVoice-Webhooks/1.0',
      disableAfterMs: 5 * 86_400_000,
      retry: DEFAULT_RETRY_POLICY,
    },
  };
}
