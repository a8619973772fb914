import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createMediaServer } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { createEmfMetrics } from '../../shared/adapters/system/emf-metrics.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import { measureProvider } from '../../shared/recordings/measured-provider.ts';
import type { MediaEventsConfig } from './config.ts';
import type { MediaEventsHandlerDeps } from './create-handler.ts';

/** Wires the real adapters of the `media-events` function (once per container, at cold start). */
export async function createMediaEventsDeps(
  config: MediaEventsConfig,
  clients: AwsClients = createAwsClients({ s3PathStyle: config.S3_FORCE_PATH_STYLE }),
): Promise<MediaEventsHandlerDeps> {
  const { provider, files } = await createMediaServer(config);
  const metrics = createEmfMetrics(METRICS_NAMESPACE, 'media-events');
  return {
    store: createDynamoDbRecordingStore(clients.documents, config.TABLE_NAME),
    archive: createDynamoDbArchiveStore(clients.documents, config.TABLE_NAME),
    media: createS3RecordingMedia(clients.s3, config.RECORDINGS_BUCKET),
    visibility: createSqsMessageVisibility(clients.sqs(), config.MEDIA_EVENTS_QUEUE_URL),
    provider: measureProvider(provider, metrics, systemClock),
    files,
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'media-events' }),
    metrics,
    settings: { claimLeaseMs: config.CLAIM_LEASE_MS, publicApiUrl: config.PUBLIC_API_URL },
  };
}
