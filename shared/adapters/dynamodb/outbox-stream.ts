import type { DynamoDBRecord } from 'aws-lambda';
import type { OutboxEvent } from '../../webhooks/types.ts';
import { marshallSdk } from '../aws/aws-sdk.ts';
import { fromOutboxItem } from './item-mappers.ts';
import { OUTBOX_ITEM_TYPE } from './table-schema.ts';

/**
 * The event-source filter of the outbox relay (Lambda `FilterCriteria` pattern): only new outbox items
 * of the table's stream reach it. The stack uses it as is; the local stand-in applies the same pattern.
 */
export const OUTBOX_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { type: { S: [OUTBOX_ITEM_TYPE] } } },
} as const;

/**
 * An outbox event read from the stream, with the record's place in it (to report a failure from) and
 * when the stream recorded it (epoch ms, to the second; absent when the record does not say).
 */
export interface StreamedOutboxEvent {
  sequenceNumber: string;
  event: OutboxEvent;
  recordedAt: number | undefined;
}

/** The outbox events among a batch of stream records, in stream order (anything else is skipped). */
export function outboxEventsOf(records: DynamoDBRecord[]): StreamedOutboxEvent[] {
  return records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || image?.type?.S !== OUTBOX_ITEM_TYPE) return [];
    const item = marshallSdk.unmarshall(image as never);
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return [
      {
        sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
        event: fromOutboxItem(item),
        // Seconds since the epoch, as Lambda's DynamoDB stream event gives it.
        recordedAt: typeof created === 'number' ? created * 1000 : undefined,
      },
    ];
  });
}
