import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { createEmfMetrics } from '../../shared/adapters/system/emf-metrics.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import type { RetentionSweepConfig } from './config.ts';
import type { RetentionSweepDeps } from './create-handler.ts';

/** Wires the real adapters of the `retention-sweep` function. */
export function createRetentionSweepDeps(
  config: RetentionSweepConfig,
  clients: AwsClients = createAwsClients({ s3PathStyle: config.S3_FORCE_PATH_STYLE }),
): RetentionSweepDeps {
  return {
    archive: createDynamoDbArchiveStore(clients.documents, config.TABLE_NAME),
    media: createS3RecordingMedia(clients.s3, config.RECORDINGS_BUCKET),
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'retention-sweep' }),
    metrics: createEmfMetrics(METRICS_NAMESPACE, 'retention-sweep'),
    settings: { batchSize: 25 },
  };
}
