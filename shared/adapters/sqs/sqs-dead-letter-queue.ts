import type { DeadLetters } from '../../webhooks/ports.ts';
import { sqsSdk } from '../aws/aws-sdk.ts';
import type { SqsClientSource } from './sqs-event-queue.ts';
import { toSqsMessageAttributes } from './sqs-webhook-message.ts';

/**
 * The webhook queue's dead-letter queue, written directly for a message that is not a webhook at all:
 * no customer can be shown it, so it waits there for an operator (`npm run admin -- dlq-list`).
 */
export function createSqsDeadLetters(source: SqsClientSource, dlqUrl: string): DeadLetters {
  return {
    async send(message) {
      const { SendMessageCommand } = sqsSdk();
      const client = typeof source === 'function' ? source() : source;
      // SQS refuses an empty body; the attributes are the received ones, kept as they came.
      const body = message.body || '(empty)';
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: body,
          MessageAttributes: toSqsMessageAttributes({ body, attributes: message.attributes }),
        }),
      );
    },
  };
}
