import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createOutboxRelayHandler } from '../../functions/outbox-relay/create-handler.ts';
import { createDynamoDbStreamSource, type StreamLambda } from '../../scripts/local/dynamodb-stream-source.ts';
import { createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { OUTBOX_STREAM_FILTER } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { EventQueue } from '../../shared/webhooks/ports.ts';
import { createMemoryLogger } from './fakes/memory-logger.ts';
import { noMetrics } from './fakes/memory-metrics.ts';

/**
 * The production outbox path against the emulators: the table's stream (DynamoDB Local) read by the
 * local event-source stand-in with the stack's filter, handed to the real `outbox-relay` handler, which
 * queues the events on the webhook queue. Runs in the background; `caughtUp()` waits until everything
 * committed so far is on the queue.
 */
export function startOutboxRelay(options: {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  table: string;
  queueUrl: string;
  /** Wraps the relay's queue (e.g. to make it refuse events). */
  wrapQueue?: (real: EventQueue) => EventQueue;
}) {
  const real = createSqsEventQueue(options.sqs, options.queueUrl);
  const logger = createMemoryLogger();
  const handler = createOutboxRelayHandler({
    queue: options.wrapQueue?.(real) ?? real,
    logger,
    metrics: noMetrics,
    clock: systemClock,
  });
  const errors: unknown[] = [];
  // The recipe's streams client, pointed at DynamoDB Local by the global setup (AWS_ENDPOINT_URL_DYNAMODB_STREAMS).
  const aws = createAwsClients();
  const source = createDynamoDbStreamSource({
    dynamodb: options.dynamodb,
    streams: aws.streams(),
    tableName: options.table,
    handler: handler as unknown as StreamLambda,
    filter: OUTBOX_STREAM_FILTER,
    functionName: 'outbox-relay',
    emptyPauseMs: 20,
  });
  source.start((error) => errors.push(error));
  return {
    logger,
    errors,
    /** Waits until every event committed before the call is on the webhook queue. */
    caughtUp: (timeoutMs?: number) => source.caughtUp(timeoutMs),
    stop: async () => {
      await source.stop();
      aws.destroy();
    },
  };
}

/** A running outbox relay. */
export type OutboxRelay = ReturnType<typeof startOutboxRelay>;
