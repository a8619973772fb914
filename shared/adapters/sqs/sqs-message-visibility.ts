import type { SQSClient } from '@aws-sdk/client-sqs';
import type { MessageVisibility } from '../../webhooks/ports.ts';
import { sqsSdk } from '../aws/aws-sdk.ts';

/** SQS implementation: `ChangeMessageVisibility` on the queue the message came from. */
export function createSqsMessageVisibility(client: SQSClient, queueUrl: string): MessageVisibility {
  return {
    async delay(receiptHandle, seconds) {
      await client.send(
        new (sqsSdk().ChangeMessageVisibilityCommand)({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
  };
}
