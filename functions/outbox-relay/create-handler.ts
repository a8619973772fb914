import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxEventsOf } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import type { Logger } from '../../shared/kernel/logger.ts';
import type { EventQueue } from '../../shared/webhooks/ports.ts';
import { relayOutbox } from '../../shared/webhooks/relay-outbox.ts';

/** Ports of the `outbox-relay` Lambda. */
export interface OutboxRelayDeps {
  queue: EventQueue;
  logger: Logger;
}

/**
 * The outbox relay for any set of adapters: takes the outbox events among a batch of the table's stream
 * records and queues them for the webhook sender, in order. An event the queue did not take is reported
 * as the batch's first failure, so Lambda retries the stream from it (nothing skipped; events after it
 * may be queued twice, which the sender ignores).
 */
export function createOutboxRelayHandler(deps: OutboxRelayDeps) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>().handler(async (event) => {
    const events = outboxEventsOf(event.Records);
    const queued = await relayOutbox(
      events.map((e) => e.event),
      deps,
    );
    const firstWaiting = events[queued];
    return { batchItemFailures: firstWaiting ? [{ itemIdentifier: firstWaiting.sequenceNumber }] : [] };
  });
}
