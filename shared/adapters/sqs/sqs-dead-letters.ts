import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { parseWebhookMessage } from '../../webhooks/webhook-message.ts';
import { fromSqsMessage } from './sqs-webhook-message.ts';

/** A parked message, as an operator sees it. */
export interface DeadLetter {
  messageId: string;
  eventId: string | undefined;
  eventType: string | undefined;
  applicationId: string | undefined;
  receiveCount: number;
  body: string;
  /** Why the message is not a webhook event, when it is not one. */
  malformed?: string;
}

const summarize = (message: Message): DeadLetter => {
  const received = fromSqsMessage(message);
  const parsed = parseWebhookMessage(received);
  return {
    messageId: received.messageId,
    // Shown even for a malformed message: its ids are what an operator searches the logs for.
    eventId: received.attributes.event_id,
    eventType: received.attributes.event_type,
    applicationId: received.attributes.application_id,
    receiveCount: Number(received.receiveCount ?? 0),
    body: received.body ?? '',
    ...(parsed.kind === 'malformed' ? { malformed: parsed.malformed.reason } : {}),
  };
};

async function receiveBatch(client: SQSClient, queueUrl: string, max: number, visibilitySeconds: number) {
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, max),
      WaitTimeSeconds: 0,
      VisibilityTimeout: visibilitySeconds,
      MessageAttributeNames: ['All'],
      // local-aws-sqs ignores MessageSystemAttributeNames; real SQS still accepts AttributeNames.
      AttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/**
 * Lists up to `limit` dead letters without consuming them: they are received, then made visible again
 * at once, so a replay right after sees them.
 */
export async function listDeadLetters(client: SQSClient, dlqUrl: string, limit = 10): Promise<DeadLetter[]> {
  const seen = new Map<string, Message>();
  while (seen.size < limit) {
    const batch = (await receiveBatch(client, dlqUrl, limit - seen.size, 30)).filter(
      (m) => !seen.has(m.MessageId ?? ''),
    );
    if (batch.length === 0) break;
    for (const message of batch) seen.set(message.MessageId ?? '', message);
  }
  const listed = [...seen.values()];
  for (let i = 0; i < listed.length; i += 10) {
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: listed.slice(i, i + 10).map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return listed.map(summarize);
}

/**
 * Moves up to `limit` messages from the dead-letter queue back to the webhook queue, body and attributes
 * unchanged (so event ids stay the same). A message is deleted from the DLQ only after the send succeeded.
 */
export async function replayDeadLetters(
  client: SQSClient,
  from: { dlqUrl: string; queueUrl: string },
  limit = 1000,
): Promise<number> {
  let moved = 0;
  while (moved < limit) {
    const batch = await receiveBatch(client, from.dlqUrl, limit - moved, 60);
    if (batch.length === 0) break;
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: from.queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          MessageAttributes: message.MessageAttributes,
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const toDelete = batch.filter((_message, index) => ok.has(String(index)));
    if (toDelete.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: from.dlqUrl,
          Entries: toDelete.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    moved += toDelete.length;
    if (toDelete.length < batch.length) break; // some sends failed: stop and let the operator look
  }
  return moved;
}
