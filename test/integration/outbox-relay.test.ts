import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOutboxRelayHandler } from '../../functions/outbox-relay/create-handler.ts';
import { createDynamoDbStreamSource, type StreamLambda } from '../../scripts/local/dynamodb-stream-source.ts';
import { createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { toOutboxItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { OUTBOX_STREAM_FILTER } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { EventQueue } from '../../shared/webhooks/ports.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import {
  createTestClients,
  createTestQueue,
  createTestTable,
  drainQueue,
  uniqueSuffix,
} from '../support/aws-fixtures.ts';
import { createMemoryLogger } from '../support/fakes/memory-logger.ts';
import { noMetrics } from '../support/fakes/memory-metrics.ts';

// The streams outbox end to end on DynamoDB Local: committed outbox items → the table's stream → the
// event-source stand-in with the stack's filter → the real outbox-relay handler → the webhook queue.
const clients = createTestClients();
// The recipe's streams client, pointed at DynamoDB Local by the global setup.
const streams = createAwsClients().streams();
let table: string;
let queueUrl: string;

beforeEach(async () => {
  [table, queueUrl] = await Promise.all([createTestTable(clients.documents), createTestQueue(clients.sqs)]);
});

const eventOf = (n: number): OutboxEvent => ({
  event_id: `evt_${uniqueSuffix()}${n}`,
  event_type: 'recording.started',
  application_id: 'app_1',
  call_id: `call_${n}`,
  created_at: '2026-11-24T10:00:00Z',
  occurred_at: `2026-11-24T10:00:00.${String(n).padStart(3, '0')}Z`,
  body: `{"n":${n}}`,
});
const commit = (event: OutboxEvent) =>
  clients.documents.send(new PutCommand({ TableName: table, Item: toOutboxItem(event) }));

/** A stream source over the test's table, handing batches to the relay (over `queue`). */
function relay(queue: EventQueue = createSqsEventQueue(clients.sqs, queueUrl), checkpointFile?: string) {
  return createDynamoDbStreamSource({
    dynamodb: clients.dynamodb,
    streams,
    tableName: table,
    handler: createOutboxRelayHandler({
      queue,
      logger: createMemoryLogger(),
      metrics: noMetrics,
      clock: systemClock,
    }) as unknown as StreamLambda,
    filter: OUTBOX_STREAM_FILTER,
    functionName: 'outbox-relay',
    ...(checkpointFile ? { checkpointFile } : {}),
  });
}
const queuedIds = async () =>
  (await drainQueue(clients.sqs, queueUrl)).map((m) => m.MessageAttributes?.event_id?.StringValue);

describe('the outbox relay on the table stream', () => {
  it('queues each committed event with its exact body and when it happened', async () => {
    const event = eventOf(1);
    await commit(event);

    await relay().caughtUp();

    const [message] = await drainQueue(clients.sqs, queueUrl);
    expect([message?.Body, message?.MessageAttributes?.event_id?.StringValue]).toEqual([
      event.body,
      event.event_id,
    ]);
    expect(message?.MessageAttributes?.occurred_at?.StringValue).toBe(event.occurred_at);
  });

  it('relays nothing but new outbox items (the filter drops calls, deliveries, updates)', async () => {
    const event = eventOf(1);
    await commit(event);
    await clients.documents.send(
      new PutCommand({ TableName: table, Item: { ...keys.call('call_x'), type: 'call', id: 'call_x' } }),
    );
    await createDynamoDbWebhookStore(clients.documents, table).recordAttempt(
      { ...event, event_id: 'evt_delivery1' },
      { at: '2026-11-24T10:00:01Z', status_code: 200, latency_ms: 1, outcome: 'delivered' },
      'delivered',
    );
    await commit({ ...event }); // the same item written again: a MODIFY, not a new event

    await relay().caughtUp();

    expect(await queuedIds()).toEqual([event.event_id]);
  });

  it('reads again from the first event the queue refused, skipping none', async () => {
    const events = [1, 2, 3].map(eventOf);
    for (const event of events) await commit(event);
    const real = createSqsEventQueue(clients.sqs, queueUrl);
    let refusals = 1;
    const flaky: EventQueue = {
      ...real,
      // Takes the first event of the batch, refuses the rest once.
      sendAll: async (batch) => (refusals-- > 0 ? real.sendAll(batch.slice(0, 1)) : real.sendAll(batch)),
    };

    await relay(flaky).caughtUp();

    expect(await queuedIds()).toEqual(events.map((e) => e.event_id));
  });

  it('goes on after a restart from where it left off, neither skipping nor repeating', async () => {
    const checkpoint = join(await mkdtemp(join(tmpdir(), 'minivoice-stream-')), 'checkpoint.json');
    const [first, second] = [eventOf(1), eventOf(2)];
    await commit(first);
    await relay(undefined, checkpoint).caughtUp();

    await commit(second);
    await relay(undefined, checkpoint).caughtUp();

    expect(await queuedIds()).toEqual([first.event_id, second.event_id]);
  });
});
