import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxArchive } from '../../admin/ports.ts';
import { documentSdk } from '../aws/aws-sdk.ts';
import { fromOutboxItem } from './item-mappers.ts';
import { OUTBOX_ITEM_TYPE } from './table-schema.ts';

const { ScanCommand } = documentSdk;

/**
 * DynamoDB implementation of {@link OutboxArchive}: the outbox items (kept 7 days by TTL) of a time
 * window, found by a filtered Scan of the whole table. An operator's recovery tool, run rarely: it
 * costs a read of the table, never a write, and no index exists for it on purpose (it would be the
 * hot key the streams outbox removed).
 */
export function createDynamoDbOutboxArchive(
  documents: DynamoDBDocumentClient,
  tableName: string,
): OutboxArchive {
  return {
    async *eventsBetween(since, until) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await documents.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: '#type = :outbox AND occurred_at BETWEEN :since AND :until',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':outbox': OUTBOX_ITEM_TYPE, ':since': since, ':until': until },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const events = (out.Items ?? []).map(fromOutboxItem);
        if (events.length > 0) yield events;
        start = out.LastEvaluatedKey;
      } while (start);
    },
  };
}
