import type { BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk } from '../aws/aws-sdk.ts';

const { TransactionCanceledException, ConditionalCheckFailedException } = dynamodbSdk;
const { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } = documentSdk;

import { DEFAULT_RETENTION_DAYS } from '../../accounts/types.ts';
import { RecordingChangedError } from '../../archive/errors.ts';
import type { ArchiveStore } from '../../archive/ports.ts';
import { asDependencyError, withDependencyErrors } from '../aws/dependency-errors.ts';
import {
  fromApiKeyItem,
  fromApplicationItem,
  fromCallItem,
  fromStoredRecordingItem,
  toOutboxItem,
} from './item-mappers.ts';
import { GSI1, keys, PURGE_PARTITION, purgeIndexKeys } from './table-schema.ts';

type Item = Record<string, unknown>;

/**
 * True when a transaction lost to a concurrent change of its items: a condition failed, or DynamoDB
 * cancelled it because another transaction was writing the same item at the same moment.
 */
export function lostToConcurrentChange(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
    )
  );
}

/** DynamoDB single-table implementation of {@link ArchiveStore}. */
export function createDynamoDbArchiveStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): ArchiveStore {
  // Outages and throttling surface as 503 service_unavailable; condition failures pass through.
  const client = withDependencyErrors(documents, 'storage');

  /** Strongly consistent BatchGet of a few items, asking again for any the service left unprocessed. */
  async function batchGet(wanted: Item[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending: Item[] | undefined = wanted;
    while (pending && pending.length > 0) {
      const out: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys;
    }
    return found;
  }

  const getItem = async (key: Item) =>
    (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  return {
    async loadCallAccess(keyHash, callId) {
      const found = await batchGet([keys.apiKey(keyHash), ...(callId ? [keys.call(callId)] : [])]);
      const keyItem = found.find((item) => item.sk === 'KEY');
      const callItem = found.find((item) => item.sk === 'CALL');
      return {
        apiKey: keyItem ? fromApiKeyItem(keyItem) : undefined,
        call: callItem ? fromCallItem(callItem) : undefined,
      };
    },

    async loadRecordingAccess(keyHash, ref) {
      const wanted = [keys.apiKey(keyHash)];
      if (ref) wanted.push(keys.recording(ref.callId, ref.seq), keys.call(ref.callId));
      const found = await batchGet(wanted);
      const keyItem = found.find((item) => item.sk === 'KEY');
      const recordingItem = found.find((item) => String(item.sk).startsWith('REC#'));
      const callItem = found.find((item) => item.sk === 'CALL');
      return {
        apiKey: keyItem ? fromApiKeyItem(keyItem) : undefined,
        stored: recordingItem ? fromStoredRecordingItem(recordingItem) : undefined,
        call: callItem ? fromCallItem(callItem) : undefined,
      };
    },

    async listRecordings(callId, page) {
      // One more than asked: whether it comes back says whether another page exists.
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.call(callId).pk,
            ':from': keys.recording(callId, page.afterSeq + 1).sk,
            ':to': 'REC#~',
          },
          Limit: page.limit + 1,
          ConsistentRead: true,
        }),
      );
      const items = out.Items ?? [];
      return {
        recordings: items.slice(0, page.limit).map(fromStoredRecordingItem),
        more: items.length > page.limit,
      };
    },

    async getRecording(ref) {
      const item = await getItem(keys.recording(ref.callId, ref.seq));
      return item ? fromStoredRecordingItem(item) : undefined;
    },

    async getCall(callId) {
      const item = await getItem(keys.call(callId));
      return item ? fromCallItem(item) : undefined;
    },

    async commitDeleted(stored, deleted, event, purgeAt) {
      const { recording, seq } = stored;
      const purge = purgeAt === undefined ? undefined : purgeIndexKeys(purgeAt, recording.call_id, seq);
      try {
        // Unwrapped: a conflict with a racing deletion must be told apart from an outage.
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.recording(recording.call_id, seq),
                  UpdateExpression: `SET #status = :deleted, file_url = :url${
                    purge ? ', purge_at = :purgeAt, #gpk = :gpk, #gsk = :gsk' : ' REMOVE purge_at, #gpk, #gsk'
                  }`,
                  ConditionExpression: '#status = :read',
                  ExpressionAttributeNames: {
                    '#status': 'status',
                    '#gpk': GSI1.partition,
                    '#gsk': GSI1.sort,
                  },
                  ExpressionAttributeValues: {
                    ':deleted': deleted.status,
                    ':url': deleted.file_url,
                    ':read': recording.status,
                    ...(purge
                      ? { ':purgeAt': purgeAt, ':gpk': purge[GSI1.partition], ':gsk': purge[GSI1.sort] }
                      : {}),
                  },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: toOutboxItem(event),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (lostToConcurrentChange(error)) throw new RecordingChangedError();
        throw asDependencyError(error, 'storage');
      }
    },

    async finishPurge(ref) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.recording(ref.callId, ref.seq),
            UpdateExpression: 'REMOVE purge_at, #gpk, #gsk',
            ConditionExpression: '#status = :deleted',
            ExpressionAttributeNames: { '#status': 'status', '#gpk': GSI1.partition, '#gsk': GSI1.sort },
            ExpressionAttributeValues: { ':deleted': 'deleted' },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new RecordingChangedError();
        throw error;
      }
    },

    async duePurges(now, limit) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1.name,
          KeyConditionExpression: '#pk = :purge AND #sk < :until',
          ExpressionAttributeNames: { '#pk': GSI1.partition, '#sk': GSI1.sort },
          // Everything due at or before `now` sorts below the next millisecond.
          ExpressionAttributeValues: {
            ':purge': PURGE_PARTITION,
            ':until': String(now + 1).padStart(15, '0'),
          },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(fromStoredRecordingItem);
    },

    async postponePurge(stored, until) {
      const { recording, seq } = stored;
      const purge = purgeIndexKeys(until, recording.call_id, seq);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.recording(recording.call_id, seq),
            UpdateExpression: 'SET purge_at = :until, #gsk = :gsk',
            ConditionExpression: '#status = :read AND purge_at = :was',
            ExpressionAttributeNames: { '#status': 'status', '#gsk': GSI1.sort },
            ExpressionAttributeValues: {
              ':until': until,
              ':gsk': purge[GSI1.sort],
              ':read': recording.status,
              ':was': stored.purgeAt,
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new RecordingChangedError();
        throw error;
      }
    },

    async retentionDays(applicationId) {
      const item = await getItem(keys.application(applicationId));
      return (item ? fromApplicationItem(item).retention_days : undefined) ?? DEFAULT_RETENTION_DAYS;
    },
  };
}
