import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { fromLambdaRecord } from '../../shared/adapters/sqs/sqs-webhook-message.ts';
import { type DeliverWebhookDeps, deliverWebhook } from '../../shared/webhooks/deliver-webhook.ts';
import type { MessageVisibility } from '../../shared/webhooks/ports.ts';
import { parseWebhookMessage } from '../../shared/webhooks/webhook-message.ts';

/** Ports of the `webhook-sender` Lambda: the delivery use case's, and the queue's visibility. */
export type WebhookSenderDeps = DeliverWebhookDeps & { visibility: MessageVisibility };

/**
 * The `webhook-sender` Lambda for any set of adapters: each record is delivered on its own; records to
 * retry are postponed (backoff through message visibility) and reported in `batchItemFailures`.
 */
export function createWebhookSenderHandler(deps: WebhookSenderDeps) {
  async function processRecord(record: SQSRecord): Promise<SQSBatchItemFailure | undefined> {
    const outcome = await deliverWebhook(parseWebhookMessage(fromLambdaRecord(record)), deps);
    if (outcome.kind === 'done') return undefined;
    try {
      await deps.visibility.delay(record.receiptHandle, outcome.delaySeconds);
    } catch (error) {
      // The queue's own visibility timeout applies instead; the retry still happens.
      deps.logger.warn('could not postpone webhook message', {
        message_id: record.messageId,
        error: String(error),
      });
    }
    return { itemIdentifier: record.messageId };
  }

  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    const results = await Promise.all(
      event.Records.map((record) =>
        processRecord(record).catch((error: unknown) => {
          deps.logger.error('webhook delivery crashed; the queue will retry', {
            request_id: context.awsRequestId,
            message_id: record.messageId,
            error: String(error),
          });
          return { itemIdentifier: record.messageId };
        }),
      ),
    );
    return { batchItemFailures: results.filter((failure) => failure !== undefined) };
  });
}
