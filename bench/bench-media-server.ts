import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { createMediaEventsHandler } from '../functions/media-events/create-handler.ts';
import { createOutboxRelayHandler } from '../functions/outbox-relay/create-handler.ts';
import { createDynamoDbStreamSource, type StreamLambda } from '../scripts/local/dynamodb-stream-source.ts';
import { startSimulatedFreeSwitch } from '../scripts/local/simulated-freeswitch/server.ts';
import { createSqsEventSource, type SqsLambda } from '../scripts/local/sqs-event-source.ts';
import { recordingsRoot } from '../services/media-relay/config.ts';
import { type AwsClients, createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbArchiveStore } from '../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { OUTBOX_STREAM_FILTER } from '../shared/adapters/dynamodb/outbox-stream.ts';
import { createJsonRelayJournal } from '../shared/adapters/files/json-relay-journal.ts';
import { createRecordingFileStore } from '../shared/adapters/files/recording-file-store.ts';
import { createEslFleet } from '../shared/adapters/freeswitch/esl-fleet.ts';
import { createEslPool } from '../shared/adapters/freeswitch/esl-pool.ts';
import { createFreeSwitchConnector } from '../shared/adapters/freeswitch/freeswitch-media-session.ts';
import { createFreeSwitchProvider } from '../shared/adapters/freeswitch/freeswitch-provider.ts';
import { createS3RecordingMedia } from '../shared/adapters/s3/s3-recording-media.ts';
import { createS3RecordingUploader } from '../shared/adapters/s3/s3-recording-uploader.ts';
import { createSqsEventQueue } from '../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMediaEventPublisher } from '../shared/adapters/sqs/sqs-media-event-publisher.ts';
import { createSqsMessageVisibility } from '../shared/adapters/sqs/sqs-message-visibility.ts';
import { createJsonLogger } from '../shared/adapters/system/json-logger.ts';
import { randomIds } from '../shared/adapters/system/random-ids.ts';
import { systemClock } from '../shared/adapters/system/system-clock.ts';
import { createMediaRelay } from '../shared/media-events/media-relay.ts';
import { createRecordingFiles } from '../shared/recordings/recording-files.ts';
import { objectKeyOf } from '../shared/recordings/recording-object.ts';
import { noMetrics } from './bench-helpers.ts';
import { BUILD_DIR } from './build-bundles.ts';
import type { InvocationMeter } from './usage-meters.ts';

/** The bucket the bench's recordings are stored in (in the S3 emulator). */
export const BENCH_BUCKET = 'bench-recordings';
/** The bench's media server's name (its `ESL_NODES` entry and its relay's `MEDIA_NODE`). */
const BENCH_NODE = 'bench-fs';

/**
 * The media server the bench records on: the simulated FreeSWITCH, reached over the Event Socket, with
 * the real media relay beside it and the media-events function applying its reports — a stop answers
 * once the relay stored the file and the report completed the recording, as in production. Each
 * pipeline also relays the table's stream to the webhook queue (the outbox relay).
 */
export async function startBenchMediaServer() {
  const freeswitch = await startSimulatedFreeSwitch({ soundsDir: join(BUILD_DIR, 'sounds') });
  const pathTemplate = `${join(BUILD_DIR, 'recordings')}/{customer_id}/{call_id}/{recording_id}.wav`;
  const files = createRecordingFiles(pathTemplate);
  // As the functions build it: the fleet's one node, its connections kept (createMediaServer).
  const endpoint = { host: '127.0.0.1', port: freeswitch.port, password: freeswitch.password };
  const provider = createFreeSwitchProvider({
    fleet: createEslFleet(new Map([[BENCH_NODE, createEslPool(endpoint, { timeoutMs: 3000 })]])),
    files,
  });
  const quiet = createJsonLogger({}, () => undefined);

  /**
   * Runs the relay and the media-events function for one table, on clients of their own (so the round
   * trips counted on the request's clients are the request's alone); returns how to stop them.
   */
  async function startPipeline(options: {
    table: string;
    webhookQueueUrl: string;
    clients?: AwsClients;
    /** Counts the media-events and outbox-relay invocations (the cost figure). */
    invocations?: InvocationMeter;
  }) {
    const { table } = options;
    const counted = <H extends (...args: never[]) => unknown>(name: string, handler: H): H =>
      options.invocations ? options.invocations.wrap(name, handler) : handler;
    const clients = options.clients ?? createAwsClients({ s3PathStyle: true });
    const sqs = clients.sqs();
    const mediaQueueUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: `${table}-media-events` }))).QueueUrl ?? '';
    const recordingMedia = createS3RecordingMedia(clients.s3, BENCH_BUCKET);
    const mediaEvents = counted(
      'media-events',
      createMediaEventsHandler({
        store: createDynamoDbRecordingStore(clients.documents, table),
        archive: createDynamoDbArchiveStore(clients.documents, table),
        media: recordingMedia,
        visibility: createSqsMessageVisibility(sqs, mediaQueueUrl),
        provider,
        files,
        clock: systemClock,
        ids: randomIds,
        logger: quiet,
        metrics: noMetrics,
        settings: { claimLeaseMs: 10_000, publicApiUrl: 'http://127.0.0.1:3000' },
      }),
    );
    const source = createSqsEventSource({
      sqs,
      queueUrl: mediaQueueUrl,
      handler: mediaEvents as unknown as SqsLambda,
      functionName: 'media-events',
      waitTimeSeconds: 0,
      emptyPauseMs: 20,
    });
    source.start();
    const relay = createMediaRelay({
      connect: createFreeSwitchConnector(
        { host: '127.0.0.1', port: freeswitch.port, password: freeswitch.password },
        { node: BENCH_NODE, timeoutMs: 3000 },
      ),
      publisher: createSqsMediaEventPublisher(sqs, mediaQueueUrl),
      files: createRecordingFileStore(recordingsRoot(pathTemplate), (path) => Boolean(files.parsePath(path))),
      uploader: createS3RecordingUploader(clients.s3(), BENCH_BUCKET),
      objectKeyOf: (path) => {
        const ref = files.parsePath(path);
        return ref ? objectKeyOf(ref) : undefined;
      },
      journal: createJsonRelayJournal(join(await mkdtemp(join(BUILD_DIR, 'relay-')), 'state.json')),
      clock: systemClock,
      logger: quiet,
      settings: {
        node: BENCH_NODE,
        reconcileEveryMs: 30_000,
        scanMinAgeMs: 10_000,
        retentionMs: 86_400_000,
        reconnectMinMs: 100,
        reconnectMaxMs: 1000,
        uploadGiveUpMs: 60_000,
        uploadConcurrency: 4,
      },
    });
    const running = relay.run();
    // The outbox relay: the table's stream to the webhook queue (stream reads cost no table capacity).
    const outbox = createDynamoDbStreamSource({
      dynamodb: clients.dynamodb,
      streams: clients.streams(),
      tableName: table,
      handler: counted(
        'outbox-relay',
        createOutboxRelayHandler({
          queue: createSqsEventQueue(sqs, options.webhookQueueUrl),
          logger: quiet,
          metrics: noMetrics,
          clock: systemClock,
        }),
      ) as unknown as StreamLambda,
      filter: OUTBOX_STREAM_FILTER,
      functionName: 'outbox-relay',
      emptyPauseMs: 20,
    });
    outbox.start();
    return {
      recordingMedia,
      /** Waits until every event committed so far is on the webhook queue. */
      outboxCaughtUp: () => outbox.caughtUp(30_000),
      async stop() {
        relay.stop();
        await running;
        await source.stop();
        await outbox.stop();
        if (!options.clients) clients.destroy();
      },
    };
  }

  return {
    freeswitch,
    files,
    provider,
    /** The node's Event Socket (the connection-reuse figure opens its own connections to it). */
    endpoint,
    startPipeline,
    /** The recordings function's environment for this media server. */
    env: {
      ESL_NODES: `${BENCH_NODE}=127.0.0.1:${freeswitch.port}`,
      ESL_PASSWORD: freeswitch.password,
      RECORDING_PATH_TEMPLATE: pathTemplate,
      RECORDINGS_BUCKET: BENCH_BUCKET,
      S3_FORCE_PATH_STYLE: 'true',
    },
  };
}

/** The bench's media server. */
export type BenchMediaServer = Awaited<ReturnType<typeof startBenchMediaServer>>;
