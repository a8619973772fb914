import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventQueue } from '../../ports.ts';
import { sqsSdk } from '../aws-sdk.ts';

/** An SQS client, or a (memoized) loader of one, for callers that may never send. */
export type SqsClientSource = SQSClient | (() => Promise<SQSClient>);

/**
 * Webhook queue on SQS: the message body is the exact webhook envelope; routing data rides in
 * attributes. The SQS SDK is imported on the first send, so requests that queue nothing (an
 * idempotent start, every 4xx) never load it: about 20 ms less cold start.
 */
export function createSqsEventQueue(source: SqsClientSource, queueUrl: string): EventQueue {
  return {
    async send(event) {
      const { SendMessageCommand } = sqsSdk();
      const client = typeof source === 'function' ? await source() : source;
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: event.body,
          MessageAttributes: {
            event_id: { DataType: 'String', StringValue: event.event_id },
            event_type: { DataType: 'String', StringValue: event.event_type },
            application_id: { DataType: 'String', StringValue: event.application_id },
            call_id: { DataType: 'String', StringValue: event.call_id },
          },
        }),
      );
    },
  };
}
