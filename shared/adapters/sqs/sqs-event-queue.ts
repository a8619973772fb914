import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventQueue } from '../../webhooks/ports.ts';
import { serializeRedriveRequest, serializeWebhookMessage } from '../../webhooks/webhook-message.ts';
import { sqsSdk } from '../aws/aws-sdk.ts';
import { toSqsMessageAttributes } from './sqs-webhook-message.ts';

/** An SQS client, or a (memoized) builder of one, for callers that may never send. */
export type SqsClientSource = SQSClient | (() => SQSClient);

/** SQS takes at most this many messages per batch. */
const SQS_BATCH = 10;

/**
 * Webhook queue on SQS, in the webhook-message contract's shape (events ten a request, and redrive
 * requests). The SQS SDK is loaded on the first send.
 */
export function createSqsEventQueue(source: SqsClientSource, queueUrl: string): EventQueue {
  return {
    async sendAll(events, options = {}) {
      const { SendMessageBatchCommand } = sqsSdk();
      const client = typeof source === 'function' ? source() : source;
      let queued = 0;
      for (let start = 0; start < events.length; start += SQS_BATCH) {
        const chunk = events.slice(start, start + SQS_BATCH);
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((event, i) => {
              const message = serializeWebhookMessage(event, options);
              return {
                Id: String(i),
                MessageBody: message.body,
                MessageAttributes: toSqsMessageAttributes(message),
              };
            }),
          }),
        );
        const failed = (out.Failed ?? []).map((entry) => Number(entry.Id)).sort((a, b) => a - b);
        // In order: everything before the first refused entry counts; it and the rest are sent again.
        if (failed.length > 0) return queued + (failed[0] ?? 0);
        queued += chunk.length;
      }
      return queued;
    },
    async requestRedrive(request) {
      const { SendMessageCommand } = sqsSdk();
      const client = typeof source === 'function' ? source() : source;
      const message = serializeRedriveRequest(request);
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.body,
          MessageAttributes: toSqsMessageAttributes(message),
        }),
      );
    },
  };
}
