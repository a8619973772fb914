import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { MessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { toRfc3339Seconds } from '../../shared/domain/call-rules.ts';
import { type DeliverWebhookDeps, deliverWebhook } from '../../shared/use-cases/deliver-webhook.ts';
import { parseWebhookRecord } from './message-schema.ts';

/**
 * The `webhook-sender` Lambda for any set of adapters: each record is delivered on its own; records to
 * retry are postponed (backoff through message visibility) and reported in `batchItemFailures`.
 */
export function createWebhookSenderHandler(deps: DeliverWebhookDeps & { visibility: MessageVisibility }) {
  async function processRecord(record: SQSRecord): Promise<SQSBatchItemFailure | undefined> {
    const parsed = parseWebhookRecord(record);
    if (!parsed.ok) {
      // Can never succeed: record it for operators and let the queue delete it.
      deps.logger.error('undeliverable webhook message', {
        message_id: record.messageId,
        reason: parsed.reason,
      });
      await deps.store.recordAttempt(
        `sqs:${record.messageId}`,
        {
          application_id: record.messageAttributes?.application_id?.stringValue ?? 'unknown',
          event_type: 'unknown',
        },
        {
          at: toRfc3339Seconds(deps.clock.now()),
          status_code: 0,
          latency_ms: 0,
          error: parsed.reason,
          outcome: 'undeliverable',
        },
        'undeliverable',
      );
      return undefined;
    }
    const outcome = await deliverWebhook(parsed.message, deps);
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
