import type { SQSClient } from '@aws-sdk/client-sqs';
import { sqsSdk } from '../aws-sdk.ts';

/** Postpones a received message: it reappears on the queue after `seconds`. */
export interface MessageVisibility {
  delay(receiptHandle: string, seconds: number): Promise<void>;
}

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
