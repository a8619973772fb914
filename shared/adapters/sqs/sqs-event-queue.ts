import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventQueue } from '../../ports.ts';

/** Webhook queue on SQS: the message body is the exact webhook envelope; routing data rides in attributes. */
export function createSqsEventQueue(client: SQSClient, queueUrl: string): EventQueue {
  return {
    async send(event) {
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
