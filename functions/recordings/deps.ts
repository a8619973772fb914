import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbApiKeyReader } from '../../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { createMediaServer } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createEmfMetrics } from '../../shared/adapters/system/emf-metrics.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import { measureProvider } from '../../shared/recordings/measured-provider.ts';
import type { RecordingsConfig } from './config.ts';
import type { RecordingsHandlerDeps } from './create-handler.ts';

/** Wires the real adapters of the `recordings` function (once per container, at cold start). */
export async function createRecordingsDeps(
  config: RecordingsConfig,
  clients: AwsClients = createAwsClients({ s3PathStyle: config.S3_FORCE_PATH_STYLE }),
): Promise<RecordingsHandlerDeps> {
  const { provider, files } = await createMediaServer(config);
  const metrics = createEmfMetrics(METRICS_NAMESPACE, 'recordings');
  return {
    store: createDynamoDbRecordingStore(clients.documents, config.TABLE_NAME),
    archive: createDynamoDbArchiveStore(clients.documents, config.TABLE_NAME),
    media: createS3RecordingMedia(clients.s3, config.RECORDINGS_BUCKET),
    keys: createDynamoDbApiKeyReader(clients.documents, config.TABLE_NAME),
    allowance: createDynamoDbRequestAllowance(
      clients.documents,
      config.TABLE_NAME,
      { perSecond: config.RATE_LIMIT_PER_SECOND, burst: config.RATE_LIMIT_BURST },
      systemClock,
    ),
    deliveries: createDynamoDbWebhookStore(clients.documents, config.TABLE_NAME),
    // Only redeliveries: the request's own events go out through the table's stream.
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    provider: measureProvider(provider, metrics, systemClock),
    files,
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'recordings' }),
    metrics,
    settings: {
      claimLeaseMs: config.CLAIM_LEASE_MS,
      stopSettleMs: config.STOP_SETTLE_MS,
      publicApiUrl: config.PUBLIC_API_URL,
    },
  };
}
