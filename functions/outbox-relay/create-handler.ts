import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxEventsOf } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import { withLogContext } from '../../shared/adapters/system/log-context.ts';
import { type RelayOutboxDeps, relayOutbox } from '../../shared/webhooks/relay-outbox.ts';

/** Ports of the `outbox-relay` Lambda. */
export type OutboxRelayDeps = RelayOutboxDeps;

/**
 * The outbox relay for any set of adapters: takes the outbox events among a batch of the table's stream
 * records and queues them for the webhook sender, in order. An event the queue did not take is reported
 * as the batch's first failure, so Lambda retries the stream from it (nothing skipped; events after it
 * may be queued twice, which the sender ignores). Its lines carry the request id (its log context).
 */
export function createOutboxRelayHandler(deps: OutboxRelayDeps) {
  const handle = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>().handler(
    async (event) => {
      const events = outboxEventsOf(event.Records);
      const queued = await relayOutbox(
        events.map((e) => e.event),
        deps,
        events.map((e) => e.recordedAt),
      );
      const firstWaiting = events[queued];
      return { batchItemFailures: firstWaiting ? [{ itemIdentifier: firstWaiting.sequenceNumber }] : [] };
    },
  );
  return (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    withLogContext({ request_id: context.awsRequestId }, () => handle(event, context));
}
