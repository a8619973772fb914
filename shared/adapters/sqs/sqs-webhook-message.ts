import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { ReceivedMessage, SerializedWebhookMessage } from '../../webhooks/webhook-message.ts';

/** SQS `MessageAttributes` for the contract's string attributes. */
export function toSqsMessageAttributes(
  message: SerializedWebhookMessage,
): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.attributes)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/** A message from the SQS API (`ReceiveMessage`), as the contract reads it. */
export function fromSqsMessage(message: Message): ReceivedMessage {
  return {
    messageId: message.MessageId ?? '',
    body: message.Body,
    attributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]),
    ),
    receiveCount: message.Attributes?.ApproximateReceiveCount,
  };
}

/** A record of Lambda's SQS event, as the contract reads it. */
export function fromLambdaRecord(record: SQSRecord): ReceivedMessage {
  return {
    messageId: record.messageId,
    body: record.body,
    attributes: Object.fromEntries(
      Object.entries(record.messageAttributes ?? {}).map(([name, value]) => [name, value.stringValue]),
    ),
    receiveCount: record.attributes?.ApproximateReceiveCount,
  };
}
