import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { createMediaEventsHandler } from '../../functions/media-events/create-handler.ts';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { createRetentionSweepHandler } from '../../functions/retention-sweep/create-handler.ts';
import { localLambdaContext } from '../../scripts/local/lambda-context.ts';
import { createSqsEventSource, type SqsLambda } from '../../scripts/local/sqs-event-source.ts';
import { recordingsRoot } from '../../services/media-relay/config.ts';
import type { AllowancePolicy } from '../../shared/accounts/gcra.ts';
import { createDynamoDbApiKeyReader } from '../../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { createJsonRelayJournal } from '../../shared/adapters/files/json-relay-journal.ts';
import { createRecordingFileStore } from '../../shared/adapters/files/recording-file-store.ts';
import { createFreeSwitchConnector } from '../../shared/adapters/freeswitch/freeswitch-media-session.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { createS3RecordingUploader } from '../../shared/adapters/s3/s3-recording-uploader.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMediaEventPublisher } from '../../shared/adapters/sqs/sqs-media-event-publisher.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { RecordingMedia } from '../../shared/archive/ports.ts';
import type { Clock } from '../../shared/kernel/clock.ts';
import { serializeMediaEvent } from '../../shared/media-events/media-event-message.ts';
import { createMediaRelay, type MediaRelayDeps } from '../../shared/media-events/media-relay.ts';
import type { MediaEventPublisher, RecordingUploader } from '../../shared/media-events/relay-ports.ts';
import type { MediaEvent } from '../../shared/media-events/types.ts';
import type { RecordingProvider, RecordingStore } from '../../shared/recordings/ports.ts';
import { createRecordingFiles, type RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { objectKeyOf } from '../../shared/recordings/recording-object.ts';
import type { Call } from '../../shared/recordings/types.ts';
import type { EventQueue } from '../../shared/webhooks/ports.ts';
import { apiEvent, lambdaContext } from './api-events.ts';
import {
  callPartition,
  createTestBucket,
  createTestClients,
  createTestQueue,
  createTestTable,
  drainQueue,
  seedCall,
  seedTenant,
} from './aws-fixtures.ts';
import { createMemoryLogger } from './fakes/memory-logger.ts';
import { fleetProviderFor, startTestFreeSwitch } from './media-server.ts';
import { startOutboxRelay } from './outbox-relay.ts';

/**
 * The allowance the harness gives applications unless told otherwise: every request still takes from
 * it (one conditional write), but property and race tests firing hundreds of requests at once from one
 * tenant are never refused.
 */
export const UNREACHED_ALLOWANCE: AllowancePolicy = { perSecond: 100_000, burst: 100_000 };

/** The public base URL the harness's completed recordings point at. */
export const TEST_API_URL = 'https://api.minivoice.test';

/** A parsed handler answer. */
export interface ApiAnswer {
  statusCode: number;
  headers: Record<string, string>;
  /** The JSON body (undefined when there is none, as on a redirect). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers by path and assert their whole shape.
  body: any;
}

/** A webhook as the queue holds it: the envelope's event, its call status and `data` (recording id/status). */
export interface QueuedWebhook {
  event: string;
  call_status: string;
  recording: string;
  data: Record<string, unknown>;
}

/** Options of {@link createServiceHarness}. */
export interface ServiceHarnessOptions {
  /**
   * A media server of the test's own (scripted). Without one, the simulated FreeSWITCH runs with the
   * real media relay beside it, so stops complete once the relay has stored the file.
   */
  provider?: RecordingProvider;
  claimLeaseMs?: number;
  stopSettleMs?: number;
  eslTimeoutMs?: number;
  /** Overrides of the relay's settings (e.g. a short `uploadGiveUpMs`). */
  relay?: Partial<MediaRelayDeps['settings']>;
  /**
   * The fleet's media servers by name (default one, `fs-test`): a simulated FreeSWITCH for each, with
   * its own relay, all in `ESL_NODES`-like routing. Each node's disk holds only its own calls' files.
   */
  mediaNodes?: string[];
  /**
   * Share a table and webhook queue with another harness (e.g. the webhook sender's). The table's
   * stream is then relayed to the queue by this harness.
   */
  shared?: { table: string; queueUrl: string };
  /** Wraps the outbox relay's queue (e.g. to make it refuse events for a while). */
  wrapRelayQueue?: (real: EventQueue) => EventQueue;
  /**
   * Each application's request allowance (the real limiter, in the table). Unless given, one no test
   * reaches ({@link UNREACHED_ALLOWANCE}): tests of limits pass the spec's `DEFAULT_ALLOWANCE`.
   */
  allowance?: AllowancePolicy;
  /**
   * The recordings function's `PUBLIC_API_URL` (default {@link TEST_API_URL}). Media events always
   * complete recordings under `TEST_API_URL`: another value here is a base URL that changed since.
   */
  publicApiUrl?: string;
}

/**
 * The whole service against the emulators: the real `recordings`, `media-events` and `retention-sweep`
 * handlers over DynamoDB Local, the SQS emulator and the S3 emulator (a table, queues and a bucket of
 * its own), the simulated FreeSWITCH and the real media relay storing finished files. Media events are
 * applied in the background as Lambda's event source would; `hold()` keeps them on the queue.
 */
export async function createServiceHarness(options: ServiceHarnessOptions = {}) {
  const clients = createTestClients();
  const [table, queueUrl, mediaQueueUrl, bucket] = await Promise.all([
    options.shared ? options.shared.table : createTestTable(clients.documents),
    options.shared ? options.shared.queueUrl : createTestQueue(clients.sqs),
    // A media event that failed is tried again after 2 s (Lambda's queue: after its visibility timeout).
    createTestQueue(clients.sqs, { VisibilityTimeout: '2' }),
    createTestBucket(clients.s3),
  ]);
  const realStore = createDynamoDbRecordingStore(clients.documents, table);
  /** Lets a test wrap the store (e.g. make one commit fail). */
  let store: RecordingStore = realStore;
  const storeProxy = new Proxy(realStore, { get: (_target, property) => Reflect.get(store, property) });
  const realMedia = createS3RecordingMedia(() => clients.s3, bucket);
  let media: RecordingMedia = realMedia;
  const mediaProxy = new Proxy(realMedia, { get: (_target, property) => Reflect.get(media, property) });
  const archive = createDynamoDbArchiveStore(clients.documents, table);
  const logger = createMemoryLogger();
  const counts: Record<string, number> = {};
  const metrics = {
    count: (name: string, value = 1) => {
      counts[name] = (counts[name] ?? 0) + value;
    },
    duration: () => undefined,
  };

  const simulated = options.provider ? undefined : await startTestFreeSwitch();
  const [firstNode = 'fs-test', ...otherNodes] = options.mediaNodes ?? ['fs-test'];
  /** The simulated media servers by name (the first is `simulated`); they share its recordings path. */
  const nodes: Record<string, NonNullable<typeof simulated>['freeswitch']> = {};
  if (simulated) {
    nodes[firstNode] = simulated.freeswitch;
    for (const name of otherNodes) nodes[name] = (await startTestFreeSwitch()).freeswitch;
  }
  /** Which node each call made by `newCall` records on (a node's disk holds only its calls' files). */
  const nodeOfCall = new Map<string, string>();
  const files: RecordingFiles =
    simulated?.files ?? createRecordingFiles('/rec/{customer_id}/{call_id}/{recording_id}.wav');
  const eslProvider = options.provider
    ? undefined
    : fleetProviderFor(nodes, files, { timeoutMs: options.eslTimeoutMs ?? 1000 });
  const provider = options.provider
    ? withScriptedRelay(options.provider, files, {
        s3: clients.s3,
        bucket,
        sqs: clients.sqs,
        mediaQueueUrl,
      })
    : (eslProvider as NonNullable<typeof eslProvider>);
  const common = {
    store: storeProxy,
    archive,
    media: mediaProxy,
    provider,
    files,
    clock: systemClock,
    ids: randomIds,
    logger,
    metrics,
  };
  const claimLeaseMs = options.claimLeaseMs ?? 10_000;
  const deps = {
    ...common,
    keys: createDynamoDbApiKeyReader(clients.documents, table),
    allowance: createDynamoDbRequestAllowance(
      clients.documents,
      table,
      options.allowance ?? UNREACHED_ALLOWANCE,
      systemClock,
    ),
    deliveries: createDynamoDbWebhookStore(clients.documents, table),
    queue: createSqsEventQueue(clients.sqs, queueUrl),
    settings: {
      claimLeaseMs,
      stopSettleMs: options.stopSettleMs ?? 4000,
      publicApiUrl: options.publicApiUrl ?? TEST_API_URL,
    },
  };
  const handler = createRecordingsHandler(deps);
  const mediaEvents = createMediaEventsHandler({
    ...common,
    visibility: createSqsMessageVisibility(clients.sqs, mediaQueueUrl),
    metrics,
    settings: { claimLeaseMs, publicApiUrl: TEST_API_URL },
  });
  /** How far ahead of the system's clock the retention sweep runs (`purge({ laterByMs })`). */
  let sweepAheadMs = 0;
  const sweepClock: Clock = {
    now: () => new Date(systemClock.now().getTime() + sweepAheadMs),
    sleep: (ms) => systemClock.sleep(ms),
  };
  const retentionSweep = createRetentionSweepHandler({
    ...common,
    clock: sweepClock,
    metrics,
    settings: { batchSize: 25 },
  });

  // Media events, applied in the background like Lambda's event-source mapping (paused by `hold()`).
  const source = createSqsEventSource({
    sqs: clients.sqs,
    queueUrl: mediaQueueUrl,
    handler: mediaEvents as unknown as SqsLambda,
    functionName: 'media-events',
    waitTimeSeconds: 0,
  });
  let holding = false;
  let closing = false;
  let lastActivity = Date.now();
  /** The poll under way, if any: `hold()` waits for it, so nothing it receives slips past the hold. */
  let polling: Promise<unknown> = Promise.resolve();
  const applying = (async () => {
    while (!closing) {
      const poll = holding ? undefined : source.pollOnce(0).catch(() => undefined);
      polling = poll ?? Promise.resolve();
      const got = await poll;
      if (got) lastActivity = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();

  // Committed events reach the webhook queue as in production: the table's stream, the outbox relay.
  const outboxRelay = startOutboxRelay({
    dynamodb: clients.dynamodb,
    sqs: clients.sqs,
    table,
    queueUrl,
    ...(options.wrapRelayQueue ? { wrapQueue: options.wrapRelayQueue } : {}),
  });

  const relayLogger = createMemoryLogger();
  /** Wraps the relay's uploads so a test can make storage fail. */
  let uploader: RecordingUploader = createS3RecordingUploader(clients.s3, bucket);
  /** Wraps the relays' queueing of media events so a test can duplicate, delay or reorder them. */
  let publisher: MediaEventPublisher = createSqsMediaEventPublisher(clients.sqs, mediaQueueUrl);
  /** The relay beside one simulated node, as `MEDIA_NODE` = its name. */
  const relayFor = async (node: string, freeswitch: (typeof nodes)[string]) =>
    createMediaRelay({
      connect: createFreeSwitchConnector(
        { host: '127.0.0.1', port: freeswitch.port, password: freeswitch.password },
        { node, timeoutMs: 1000 },
      ),
      publisher: { publish: (event) => publisher.publish(event) },
      files: createRecordingFileStore(recordingsRoot(simulated?.pathTemplate ?? '/'), (path) => {
        const ref = files.parsePath(path);
        // The nodes share this machine's disk; each relay sees the files its own node would hold.
        return Boolean(ref) && (otherNodes.length === 0 || nodeOfCall.get(ref?.callId ?? '') === node);
      }),
      uploader: { upload: (...args) => uploader.upload(...args) },
      objectKeyOf: (path) => {
        const ref = files.parsePath(path);
        return ref ? objectKeyOf(ref) : undefined;
      },
      journal: createJsonRelayJournal(join(await mkdtemp(join(tmpdir(), 'minivoice-relay-')), 'state.json')),
      clock: systemClock,
      logger: relayLogger,
      settings: {
        node,
        reconcileEveryMs: 200,
        scanMinAgeMs: 300,
        retentionMs: 86_400_000,
        reconnectMinMs: 50,
        reconnectMaxMs: 200,
        uploadGiveUpMs: 60_000,
        uploadConcurrency: 4,
        ...options.relay,
      },
    });
  const relays = await Promise.all(
    Object.entries(nodes).map(async ([node, freeswitch]) => relayFor(node, freeswitch)),
  );
  const relay = relays[0];
  const relaying = Promise.all(relays.map((r) => r.run()));
  const tenant = await seedTenant(clients.documents, table);

  async function request(input: {
    path: string;
    method?: string;
    apiKey?: string;
    headers?: Record<string, string>;
    body?: string;
    rawQueryString?: string;
    isBase64Encoded?: boolean;
  }): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...input.headers };
    if (input.apiKey) headers.authorization = `Bearer ${input.apiKey}`;
    const event = apiEvent({ ...input, headers });
    const result = (await handler(event, lambdaContext())) as APIGatewayProxyResult;
    const text = String(result.body ?? '');
    // Every answer names its request (the gateway's request id): checked here for every request a test
    // makes, then left out, so that tests compare answers to two requests as the same answer.
    const { 'X-Request-Id': requestId, ...answerHeaders } = (result.headers ?? {}) as Record<string, string>;
    if (requestId !== event.requestContext.requestId) {
      throw new Error(`X-Request-Id ${requestId} is not the request's id ${event.requestContext.requestId}`);
    }
    return {
      statusCode: result.statusCode ?? 0,
      headers: answerHeaders,
      body: text === '' ? undefined : JSON.parse(text),
    };
  }

  return {
    ...clients,
    table,
    queueUrl,
    mediaQueueUrl,
    bucket,
    tenant,
    store: realStore,
    archive,
    outboxRelay,
    deps,
    logger,
    handler,
    request,
    files,
    freeswitch: simulated?.freeswitch as NonNullable<typeof simulated>['freeswitch'],
    /** Every simulated media server by name (`mediaNodes`; the first is `freeswitch`). */
    nodes,
    relay,
    relayLogger,
    /** POST /v1/calls/{id}/recordings with a JSON body (or none). */
    post(callId: string, apiKey: string | undefined, body?: unknown) {
      return request({
        path: `/v1/calls/${callId}/recordings`,
        ...(apiKey ? { apiKey } : {}),
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    /** Start or stop as the harness's tenant. */
    control(callId: string, action: 'start' | 'stop') {
      return request({
        path: `/v1/calls/${callId}/recordings`,
        apiKey: tenant.apiKey,
        body: JSON.stringify({ action }),
      });
    },
    /** A request on a path (with its query), as the harness's tenant unless another key (or `null`: none) is given. */
    call(method: string, path: string, apiKey: string | null = tenant.apiKey) {
      const [pathOnly = path, rawQueryString] = path.split('?');
      return request({
        method,
        path: pathOnly,
        ...(rawQueryString !== undefined ? { rawQueryString } : {}),
        ...(apiKey ? { apiKey } : {}),
      });
    },
    /**
     * A fresh active call of the tenant with a live channel on the simulated FreeSWITCH; given a node,
     * the channel is on that node and the call names it (`media_node`), as call control writes it.
     */
    async newCall(owner = tenant, mediaNode?: string): Promise<Call & { provider_call_id: string }> {
      const call = await seedCall(
        clients.documents,
        table,
        owner,
        mediaNode ? { media_node: mediaNode } : {},
      );
      const node = mediaNode ?? firstNode;
      nodeOfCall.set(call.id, node);
      nodes[node]?.addChannel(call.provider_call_id ?? '');
      return call as Call & { provider_call_id: string };
    },
    /** Replaces the store the handlers use (wrap `real` to inject a fault). */
    wrapStore(wrap: (real: RecordingStore) => RecordingStore) {
      store = wrap(realStore);
    },
    /** Replaces the object storage the handlers use (wrap `real` to inject a fault). */
    wrapMedia(wrap: (real: RecordingMedia) => RecordingMedia) {
      media = wrap(realMedia);
    },
    /** Replaces the relay's uploads (wrap `real` to inject a fault). */
    wrapUploads(wrap: (real: RecordingUploader) => RecordingUploader) {
      uploader = wrap(createS3RecordingUploader(clients.s3, bucket));
    },
    /** Replaces how the relays queue media events (wrap `real` to duplicate, delay or reorder them). */
    wrapPublisher(wrap: (real: MediaEventPublisher) => MediaEventPublisher) {
      publisher = wrap(createSqsMediaEventPublisher(clients.sqs, mediaQueueUrl));
    },
    /**
     * Keeps media events on the queue until `release()`; resolves once a poll already under way has
     * finished (what it received is applied), so every event sent from now on stays on the queue.
     */
    async hold() {
      holding = true;
      await polling;
    },
    release() {
      holding = false;
    },
    /**
     * Waits until the relay has stored and reported every closed file and no media event has arrived
     * for `quietMs` since the call (events the media server sends now take a moment to arrive).
     */
    async settle(quietMs = 500, limitMs = 15_000) {
      let busyAt = Date.now();
      const until = busyAt + limitMs;
      while (Date.now() < until) {
        // An upload just finished has just queued its report: quiet counts from then.
        if (relays.some((r) => r.pendingUploads() > 0) || holding) busyAt = Date.now();
        if (Date.now() - Math.max(lastActivity, busyAt) >= quietMs) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** The webhooks queued so far (taken off the queue), in order, once the outbox relay has caught up. */
    async webhooks(): Promise<QueuedWebhook[]> {
      await outboxRelay.caughtUp();
      return (await drainQueue(clients.sqs, queueUrl)).map((m) => {
        const body = JSON.parse(m.Body ?? '{}');
        const { recording, ...data } = body.data;
        return {
          event: body.event,
          call_status: body.call.status,
          recording: `${recording.id} ${recording.status}`,
          data,
        };
      });
    },
    /** The stored call, recordings and outbox items of a call. */
    stored: (callId: string) => callPartition(clients.documents, table, callId),
    /** The media server's files recording on a call's channel. */
    recordingOn: (call: Call) =>
      nodes[call.media_node ?? firstNode]?.recordings(call.provider_call_id ?? '') ?? [],
    /** Every object key in the bucket. */
    async objectKeys(): Promise<string[]> {
      const out = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? []).map((object) => object.Key ?? '').sort();
    },
    /** The size of a stored object, or undefined when there is none. */
    async objectSize(key: string): Promise<number | undefined> {
      try {
        return (await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
      } catch (error) {
        // Only "no such object" means gone: an emulator fault must fail the test, not pass for deleted audio.
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    /** The object key of a recording of `call`. */
    objectKeyOf: (call: Call, recordingId = `rec_${call.id}`) =>
      objectKeyOf({ customerId: call.customer_id, callId: call.id, recordingId }),
    /**
     * Runs the real retention sweep once, as its schedule would; with `laterByMs`, as if it ran that much
     * later (retention is days long: this is how a test lets a recording's period run out).
     */
    async purge(options: { laterByMs?: number } = {}) {
      sweepAheadMs = options.laterByMs ?? 0;
      try {
        return await retentionSweep({}, localLambdaContext('retention-sweep', 300_000) as Context);
      } finally {
        sweepAheadMs = 0;
      }
    },
    /** How often a metric was counted. */
    counted: (name: string) => counts[name] ?? 0,
    async close() {
      closing = true;
      for (const r of relays) r.stop();
      await relaying;
      await applying;
      await outboxRelay.stop();
      eslProvider?.close();
      await Promise.all(Object.values(nodes).map((node) => node.close()));
    },
  };
}

/**
 * A scripted media server writes no files, so nothing beside it could store them: this plays the
 * relay's part for it. When the provider reports a file stopped with facts, a WAV of that size is stored
 * under the recording's key and the relay's `recording_stopped` (stored) is queued.
 */
function withScriptedRelay(
  provider: RecordingProvider,
  files: RecordingFiles,
  aws: { s3: S3Client; bucket: string; sqs: SQSClient; mediaQueueUrl: string },
): RecordingProvider {
  return {
    ...provider,
    async stopRecording(request) {
      const outcome = await provider.stopRecording(request);
      if (outcome.kind !== 'stopped') return outcome;
      const path = files.pathOf(request);
      const size = Math.max(outcome.facts.size_bytes, 45);
      await aws.s3.send(
        new PutObjectCommand({
          Bucket: aws.bucket,
          Key: objectKeyOf(request),
          Body: Buffer.alloc(size),
          ContentType: 'audio/wav',
        }),
      );
      const event: MediaEvent = {
        media_node: 'scripted',
        core_uuid: 'scripted',
        at: new Date().toISOString(),
        source: 'event',
        kind: 'recording_stopped',
        channel_uuid: request.providerCallId,
        path,
        file: { kind: 'stored', duration_ms: outcome.facts.duration_ms, size_bytes: size },
        channel_ended: false,
      };
      await aws.sqs.send(
        new SendMessageCommand({ QueueUrl: aws.mediaQueueUrl, MessageBody: serializeMediaEvent(event) }),
      );
      return outcome;
    },
  };
}

/**
 * Whether an S3 error says the object does not exist (HEAD answers a bare 404, named `NotFound`; GET
 * answers `NoSuchKey`). Anything else (an emulator fault, a refusal) is not proof that audio is gone.
 */
export function isMissingObject(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
}

/** The harness's type, for `let h: ServiceHarness`. */
export type ServiceHarness = Awaited<ReturnType<typeof createServiceHarness>>;
