import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createMediaEventsHandler } from '../../functions/media-events/create-handler.ts';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { createSqsEventSource, type SqsLambda } from '../../scripts/local/sqs-event-source.ts';
import { recordingsRoot } from '../../services/media-relay/config.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createJsonRelayJournal } from '../../shared/adapters/files/json-relay-journal.ts';
import { createRecordingFileStore } from '../../shared/adapters/files/recording-file-store.ts';
import { createFreeSwitchConnector } from '../../shared/adapters/freeswitch/freeswitch-media-session.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMediaEventPublisher } from '../../shared/adapters/sqs/sqs-media-event-publisher.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createMediaRelay } from '../../shared/media-events/media-relay.ts';
import type { RecordingStore } from '../../shared/recordings/ports.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { apiEvent, lambdaContext } from './api-events.ts';
import {
  callPartition,
  createTestClients,
  createTestQueue,
  createTestTable,
  drainQueue,
  seedCall,
  seedTenant,
} from './aws-fixtures.ts';
import { createMemoryLogger } from './fakes/memory-logger.ts';
import { providerFor, startTestFreeSwitch } from './media-server.ts';

/** A webhook as the queue holds it: the envelope's event, its call status and `data` (recording id/status). */
export interface QueuedWebhook {
  event: string;
  call_status: string;
  recording: string;
  data: Record<string, unknown>;
}

/**
 * The whole recording path against the emulators: the real `recordings` and `media-events` handlers,
 * the simulated FreeSWITCH, and the real media relay beside it, publishing to the media-events queue
 * that a local event source feeds to the media-events handler (started on demand, so tests can hold
 * events back).
 */
export async function createMediaEventsHarness(
  options: { claimLeaseMs?: number; eslTimeoutMs?: number } = {},
) {
  const clients = createTestClients();
  const media = await startTestFreeSwitch();
  const [table, webhookQueue, mediaQueue] = await Promise.all([
    createTestTable(clients.documents),
    createTestQueue(clients.sqs),
    createTestQueue(clients.sqs),
  ]);
  const realStore = createDynamoDbRecordingStore(clients.documents, table);
  /** Lets a test wrap the store (e.g. make one commit fail). */
  let store: RecordingStore = realStore;
  const storeProxy = new Proxy(realStore, { get: (_target, property) => Reflect.get(store, property) });
  const provider = providerFor(media.freeswitch, media.files, { timeoutMs: options.eslTimeoutMs ?? 1000 });
  const logger = createMemoryLogger();
  let orphans = 0;
  const common = {
    store: storeProxy,
    queue: createSqsEventQueue(clients.sqs, webhookQueue),
    provider,
    files: media.files,
    clock: systemClock,
    ids: randomIds,
    logger,
  };
  const recordings = createRecordingsHandler({
    ...common,
    settings: { claimLeaseMs: options.claimLeaseMs ?? 2000, stopSettleMs: 4000 },
  });
  const mediaEvents = createMediaEventsHandler({
    ...common,
    visibility: createSqsMessageVisibility(clients.sqs, mediaQueue),
    metrics: {
      count: (_name, value = 1) => {
        orphans += value;
      },
    },
    settings: { claimLeaseMs: options.claimLeaseMs ?? 2000 },
  });
  const source = createSqsEventSource({
    sqs: clients.sqs,
    queueUrl: mediaQueue,
    handler: mediaEvents as unknown as SqsLambda,
    functionName: 'media-events',
    waitTimeSeconds: 0,
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'minivoice-relay-'));
  const relay = createMediaRelay({
    connect: createFreeSwitchConnector(
      { host: '127.0.0.1', port: media.freeswitch.port, password: media.freeswitch.password },
      { node: 'fs-test', timeoutMs: 1000 },
    ),
    publisher: createSqsMediaEventPublisher(clients.sqs, mediaQueue),
    files: createRecordingFileStore(recordingsRoot(media.pathTemplate), (path) =>
      Boolean(media.files.parsePath(path)),
    ),
    journal: createJsonRelayJournal(join(stateDir, 'state.json')),
    clock: systemClock,
    logger: createMemoryLogger(),
    settings: {
      node: 'fs-test',
      reconcileEveryMs: 200,
      scanMinAgeMs: 300,
      retentionMs: 86_400_000,
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
    },
  });
  const relaying = relay.run();
  const tenant = await seedTenant(clients.documents, table);

  return {
    ...clients,
    ...media,
    table,
    tenant,
    logger,
    queueUrlOfMediaEvents: mediaQueue,
    relay,
    source,
    orphans: () => orphans,
    /** Replaces the store the handlers use (wrap `real` to inject a fault). */
    wrapStore(wrap: (real: RecordingStore) => RecordingStore) {
      store = wrap(realStore);
    },
    /** A fresh active call of the tenant with a live channel on the simulated FreeSWITCH. */
    async newCall(): Promise<Call & { provider_call_id: string }> {
      const call = await seedCall(clients.documents, table, tenant);
      media.freeswitch.addChannel(call.provider_call_id);
      return call as Call & { provider_call_id: string };
    },
    /** POST /v1/calls/{id}/recordings through the real handler. */
    async post(callId: string, action: 'start' | 'stop') {
      const result = (await recordings(
        apiEvent({
          path: `/v1/calls/${callId}/recordings`,
          headers: { authorization: `Bearer ${tenant.apiKey}` },
          body: JSON.stringify({ action }),
        }),
        lambdaContext(),
      )) as APIGatewayProxyStructuredResultV2;
      return { status: result.statusCode ?? 0, body: JSON.parse(String(result.body)) };
    },
    /** Applies queued media events until the queue stays empty for `quietMs`. */
    async pump(quietMs = 800, limitMs = 15_000) {
      const until = Date.now() + limitMs;
      let quietSince = Date.now();
      while (Date.now() < until && Date.now() - quietSince < quietMs) {
        if (await source.pollOnce()) quietSince = Date.now();
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** The webhooks queued so far (taken off the queue), in order. */
    async webhooks(): Promise<QueuedWebhook[]> {
      return (await drainQueue(clients.sqs, webhookQueue)).map((m) => {
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
    /** The stored call and recordings of a call. */
    stored: (callId: string) => callPartition(clients.documents, table, callId),
    /** The media server's files recording on a call's channel. */
    recordingOn: (call: Call) => media.freeswitch.recordings(call.provider_call_id ?? '') ?? [],
    async close() {
      relay.stop();
      await relaying;
      await media.freeswitch.close();
    },
  };
}
