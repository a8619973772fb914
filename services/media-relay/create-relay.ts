import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createJsonRelayJournal } from '../../shared/adapters/files/json-relay-journal.ts';
import { createRecordingFileStore } from '../../shared/adapters/files/recording-file-store.ts';
import { createFreeSwitchConnector } from '../../shared/adapters/freeswitch/freeswitch-media-session.ts';
import { createS3RecordingUploader } from '../../shared/adapters/s3/s3-recording-uploader.ts';
import { createSqsMediaEventPublisher } from '../../shared/adapters/sqs/sqs-media-event-publisher.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { Logger } from '../../shared/kernel/logger.ts';
import { createMediaRelay } from '../../shared/media-events/media-relay.ts';
import { createRecordingFiles } from '../../shared/recordings/recording-files.ts';
import { objectKeyOf } from '../../shared/recordings/recording-object.ts';
import { type MediaRelayConfig, recordingsRoot } from './config.ts';

/** The relay wired to the real FreeSWITCH, disk, queue and bucket (`main.ts` runs it; `npm start` too). */
export function createRelay(
  config: MediaRelayConfig,
  clients: { sqs: SQSClient; s3: S3Client },
  logger: Logger,
) {
  const files = createRecordingFiles(config.RECORDING_PATH_TEMPLATE);
  return createMediaRelay({
    connect: createFreeSwitchConnector(
      { host: config.ESL_HOST, port: config.ESL_PORT, password: config.ESL_PASSWORD },
      { node: config.MEDIA_NODE, timeoutMs: config.ESL_TIMEOUT_MS },
    ),
    publisher: createSqsMediaEventPublisher(clients.sqs, config.MEDIA_EVENTS_QUEUE_URL),
    uploader: createS3RecordingUploader(clients.s3, config.RECORDINGS_BUCKET),
    objectKeyOf: (path) => {
      const ref = files.parsePath(path);
      return ref ? objectKeyOf(ref) : undefined;
    },
    files: createRecordingFileStore(recordingsRoot(config.RECORDING_PATH_TEMPLATE), (path) =>
      Boolean(files.parsePath(path)),
    ),
    journal: createJsonRelayJournal(config.RELAY_STATE_FILE),
    clock: systemClock,
    logger,
    settings: {
      node: config.MEDIA_NODE,
      reconcileEveryMs: config.RECONCILE_EVERY_MS,
      scanMinAgeMs: config.SCAN_MIN_AGE_MS,
      retentionMs: config.RETENTION_DAYS * 86_400_000,
      reconnectMinMs: 250,
      reconnectMaxMs: 10_000,
      uploadGiveUpMs: config.UPLOAD_GIVE_UP_MS,
      uploadAlarmAfterMs: config.UPLOAD_ALARM_AFTER_MS,
      uploadConcurrency: config.UPLOAD_CONCURRENCY,
    },
  });
}
