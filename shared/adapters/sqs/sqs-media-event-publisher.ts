import type { SQSClient } from '@aws-sdk/client-sqs';
import { serializeMediaEvent } from '../../media-events/media-event-message.ts';
import type { MediaEventPublisher } from '../../media-events/relay-ports.ts';
import { sqsSdk } from '../aws/aws-sdk.ts';

/** Media events onto the media-events queue, in the contract's shape (the relay's only AWS call). */
export function createSqsMediaEventPublisher(client: SQSClient, queueUrl: string): MediaEventPublisher {
  return {
    async publish(event) {
      await client.send(
        new (sqsSdk().SendMessageCommand)({ QueueUrl: queueUrl, MessageBody: serializeMediaEvent(event) }),
      );
    },
  };
}
