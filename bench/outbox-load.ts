import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createOutboxRelayHandler } from '../functions/outbox-relay/create-handler.ts';
import { createDynamoDbStreamSource, type StreamLambda } from '../scripts/local/dynamodb-stream-source.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { toOutboxItem } from '../shared/adapters/dynamodb/item-mappers.ts';
import { OUTBOX_STREAM_FILTER } from '../shared/adapters/dynamodb/outbox-stream.ts';
import { GSI1, keys } from '../shared/adapters/dynamodb/table-schema.ts';
import { createSqsEventQueue } from '../shared/adapters/sqs/sqs-event-queue.ts';
import { systemClock } from '../shared/adapters/system/system-clock.ts';
import type { OutboxEvent } from '../shared/webhooks/types.ts';
import { freshTable, noMetrics, quiet, round } from './bench-helpers.ts';

/** Calls whose recordings commit events during the load, two events each (started, completed). */
const CALLS = 500;
/** Commits in flight at once (request and media-events functions running side by side). */
const CONCURRENCY = 16;

/** An event of a call, as the recording store commits it (a ~1 KB envelope). */
function eventOf(callId: string, n: number): OutboxEvent {
  const at = new Date(Date.now());
  return {
    event_id: `evt_${callId}_${n}`,
    event_type: n === 1 ? 'recording.started' : 'recording.completed',
    application_id: `app_${callId.slice(-2)}`,
    call_id: callId,
    created_at: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    occurred_at: at.toISOString(),
    body: JSON.stringify({
      event: 'recording.started',
      call: { id: callId },
      data: { pad: 'x'.repeat(900) },
    }),
  };
}

/**
 * The outbox under load: many calls commit their events (each in a transaction with a state change of
 * its call, as the recording store does), while the table's stream is relayed to the webhook queue by
 * the real outbox relay. Reports events/s committed and relayed, and how the writes spread over
 * partition keys: with the streams outbox each event lands in its call's partition, so the hottest key
 * takes 2 of the writes, where the old `OUTBOX` index partition took every one of them (twice).
 * DynamoDB Local does not throttle hot partitions, so the spread is the figure that carries to AWS.
 */
export async function outboxLoad() {
  const clients = createAwsClients({ s3PathStyle: true });
  const sqs = clients.sqs();
  const table = 'bench-outbox-load';
  const queueUrl = await freshTable(clients.documents, sqs, table);
  const calls = Array.from({ length: CALLS }, (_, i) => `call_load${String(i).padStart(4, '0')}`);
  for (const callId of calls) {
    await clients.documents.send(
      new PutCommand({ TableName: table, Item: { ...keys.call(callId), type: 'call', id: callId, seq: 0 } }),
    );
  }
  const relay = createDynamoDbStreamSource({
    dynamodb: clients.dynamodb,
    streams: clients.streams(),
    tableName: table,
    handler: createOutboxRelayHandler({
      queue: createSqsEventQueue(sqs, queueUrl),
      logger: quiet,
      metrics: noMetrics,
      clock: systemClock,
    }) as unknown as StreamLambda,
    filter: OUTBOX_STREAM_FILTER,
    functionName: 'outbox-relay',
    batchSize: 100,
    emptyPauseMs: 10,
  });
  // Start at the end of the seeding: only the load's records are read.
  await relay.caughtUp(60_000);
  relay.start();

  const writesPerKey = new Map<string, number>();
  const count = (key: string) => writesPerKey.set(key, (writesPerKey.get(key) ?? 0) + 1);
  const events = calls.length * 2;
  let next = 0;
  const started = performance.now();
  // A call's events commit one after the other (each waits for the state its predecessor left, as the
  // claim does); different calls commit in parallel.
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls.length) {
        const callId = calls[next++] as string;
        for (const n of [1, 2]) {
          const event = eventOf(callId, n);
          const item = toOutboxItem(event);
          await clients.documents.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: keys.call(callId),
                    UpdateExpression: 'SET seq = :n',
                    ConditionExpression: 'seq = :previous',
                    ExpressionAttributeValues: { ':n': n, ':previous': n - 1 },
                  },
                },
                { Put: { TableName: table, Item: item } },
              ],
            }),
          );
          count(String(item.pk));
          if (item[GSI1.partition] !== undefined) count(`${GSI1.name}:${String(item[GSI1.partition])}`);
        }
      }
    }),
  );
  const committedSeconds = (performance.now() - started) / 1000;
  let queued = 0;
  const deadline = performance.now() + 120_000;
  while (queued < events && performance.now() < deadline) {
    const out = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    queued = Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    if (queued < events) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const relayedSeconds = (performance.now() - started) / 1000;
  await relay.stop();
  clients.destroy();
  const hottest = Math.max(...writesPerKey.values());
  return {
    events: events,
    concurrency: CONCURRENCY,
    committed_per_second: round(events / committedSeconds, 0),
    relayed_per_second: round(queued / relayedSeconds, 0),
    relayed: queued,
    partition_keys_written: writesPerKey.size,
    hottest_key_writes: hottest,
    hottest_key_share: round(hottest / events, 4),
  };
}
