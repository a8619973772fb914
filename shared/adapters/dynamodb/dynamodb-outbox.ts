import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Outbox } from '../../webhooks/ports.ts';
import { documentSdk } from '../aws/aws-sdk.ts';
import { fromOutboxItem, outboxSortKey } from './item-mappers.ts';
import { GSI1, keys, OUTBOX_PARTITION } from './table-schema.ts';

const { DeleteCommand, QueryCommand } = documentSdk;

/**
 * DynamoDB implementation of {@link Outbox}. Events are written by the recording store inside each
 * commit's transaction (in the call's partition); pending ones are listed through GSI1's `OUTBOX` key.
 */
export function createDynamoDbOutbox(client: DynamoDBDocumentClient, tableName: string): Outbox {
  return {
    async listPending(createdBefore, limit) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1.name,
          KeyConditionExpression: '#pk = :outbox AND #sk < :bound',
          ExpressionAttributeNames: { '#pk': GSI1.partition, '#sk': GSI1.sort },
          ExpressionAttributeValues: {
            ':outbox': OUTBOX_PARTITION,
            ':bound': outboxSortKey(createdBefore.getTime(), ''),
          },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(fromOutboxItem);
    },

    async acknowledge(event) {
      await client.send(
        new DeleteCommand({ TableName: tableName, Key: keys.outboxEvent(event.call_id, event.event_id) }),
      );
    },
  };
}
