import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { serializeMediaEvent } from '../../media-events/media-event-message.ts';
import type { MediaEventPublisher } from '../../media-events/relay-ports.ts';

/**
 * Media events onto the media-events queue, in the contract's shape: the relay's only AWS call. (A
 * static import: the relay is one self-contained bundle, not a Lambda that gets the SDK from its runtime.)
 */
export function createSqsMediaEventPublisher(client: SQSClient, queueUrl: string): MediaEventPublisher {
  return {
    async publish(event) {
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: serializeMediaEvent(event) }),
      );
    },
  };
}
