import type {
  BatchGetCommandOutput,
  DynamoDBDocumentClient,
  TransactWriteCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk, marshallSdk } from '../aws/aws-sdk.ts';

const { ConditionalCheckFailedException, TransactionCanceledException } = dynamodbSdk;
const { BatchGetCommand, GetCommand, TransactWriteCommand, UpdateCommand } = documentSdk;
const { unmarshall } = marshallSdk;

import { ClaimLostError } from '../../recordings/errors.ts';
import type { AccessSnapshot, Claim, ClaimResult, RecordingStore } from '../../recordings/ports.ts';
import { type ActiveRecording, type Recording, TERMINAL_CALL_STATUSES } from '../../recordings/types.ts';
import type { OutboxEvent } from '../../webhooks/types.ts';
import { withDependencyErrors } from '../aws/dependency-errors.ts';
import { fromApiKeyItem, fromCallItem, toOutboxItem, toRecordingItem } from './item-mappers.ts';
import { keys } from './table-schema.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

// "The call can still be recorded", checked inside every claim so a call that ended meanwhile is refused.
const RECORDABLE_CONDITION =
  'attribute_exists(provider_call_id) AND NOT (#status IN (:t0, :t1, :t2, :t3, :t4))';
const RECORDABLE_VALUES = Object.fromEntries(TERMINAL_CALL_STATUSES.map((status, i) => [`:t${i}`, status]));

/** DynamoDB single-table implementation of {@link RecordingStore}. */
export function createDynamoDbRecordingStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): RecordingStore {
  // Outages and throttling surface as 503 service_unavailable; condition failures pass through.
  const client = withDependencyErrors(documents, 'storage');
  /** Runs a conditional claim update; on a failed condition returns the item as it is now. */
  async function claim(input: Omit<UpdateCommandInput, 'TableName'>): Promise<ClaimResult> {
    try {
      const out = await client.send(
        new UpdateCommand({ TableName: tableName, ReturnValues: 'ALL_NEW', ...input }),
      );
      return { ok: true, call: fromCallItem(out.Attributes ?? {}) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { ok: false, call: error.Item ? fromCallItem(unmarshall(error.Item)) : undefined };
      }
      throw error;
    }
  }

  /** Commits a claim's outcome with its recording and event; the claim must still be ours. */
  async function commit(
    c: Claim,
    callUpdate: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
    extra: TransactItem[],
  ) {
    const { ExpressionAttributeNames, ExpressionAttributeValues, UpdateExpression } = callUpdate;
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.call(c.callId),
                UpdateExpression,
                ConditionExpression: 'active_recording.claim_id = :claim',
                ExpressionAttributeNames,
                ExpressionAttributeValues: { ...ExpressionAttributeValues, ':claim': c.claimId },
              },
            },
            ...extra,
          ],
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        // We outlived the lease and another request took the call over; the client may simply retry.
        throw new ClaimLostError();
      }
      throw error;
    }
  }

  const putRecording = (
    recording: Recording,
    seq: number,
    condition: string,
    values?: Record<string, unknown>,
  ): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: toRecordingItem(recording, seq),
      ConditionExpression: condition,
      ...(values
        ? { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: values }
        : {}),
    },
  });
  const putEvent = (event: OutboxEvent): TransactItem => ({
    Put: { TableName: tableName, Item: toOutboxItem(event), ConditionExpression: 'attribute_not_exists(pk)' },
  });
  const freeSlot = { UpdateExpression: 'REMOVE active_recording' };

  return {
    async loadAccess(keyHash, callId): Promise<AccessSnapshot> {
      const wanted = [keys.apiKey(keyHash), ...(callId ? [keys.call(callId)] : [])];
      const found: Record<string, unknown>[] = [];
      let pending: Record<string, unknown>[] | undefined = wanted;
      // BatchGet may hand back unprocessed keys under load; ask again for just those.
      while (pending && pending.length > 0) {
        const out: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(out.Responses?.[tableName] ?? []));
        pending = out.UnprocessedKeys?.[tableName]?.Keys;
      }
      const keyItem = found.find((item) => item.sk === 'KEY');
      const callItem = found.find((item) => item.sk === 'CALL');
      return {
        apiKey: keyItem ? fromApiKeyItem(keyItem) : undefined,
        call: callItem ? fromCallItem(callItem) : undefined,
      };
    },

    async getCall(callId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.call(callId), ConsistentRead: true }),
      );
      return out.Item ? fromCallItem(out.Item) : undefined;
    },

    async claimStart(c, expect) {
      const active: ActiveRecording = {
        state: 'starting',
        recording_id: c.recordingId,
        seq: c.seq,
        claim_id: c.claimId,
        claimed_at: c.claimedAt,
      };
      if ('previousSeq' in expect) {
        const seqCondition =
          expect.previousSeq === 0
            ? '(attribute_not_exists(recording_seq) OR recording_seq = :prev)'
            : 'recording_seq = :prev';
        return claim({
          Key: keys.call(c.callId),
          UpdateExpression: 'SET active_recording = :active, recording_seq = :seq',
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(active_recording) AND ${seqCondition} AND ${RECORDABLE_CONDITION}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':active': active,
            ':seq': c.seq,
            ':prev': expect.previousSeq,
            ...RECORDABLE_VALUES,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        });
      }
      return claim({
        Key: keys.call(c.callId),
        UpdateExpression: 'SET active_recording = :active',
        ConditionExpression: `active_recording.claim_id = :stale AND active_recording.#state = :starting AND active_recording.claimed_at < :staleBefore AND ${RECORDABLE_CONDITION}`,
        ExpressionAttributeNames: { '#status': 'status', '#state': 'state' },
        ExpressionAttributeValues: {
          ':active': active,
          ':stale': expect.staleClaimId,
          ':starting': 'starting',
          ':staleBefore': expect.staleBefore,
          ...RECORDABLE_VALUES,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    },

    async claimStop(c, expect) {
      return claim({
        Key: keys.call(c.callId),
        UpdateExpression:
          'SET active_recording.#state = :stopping, active_recording.claim_id = :claim, active_recording.claimed_at = :now',
        ConditionExpression: `active_recording.claim_id = :expected AND (active_recording.#state = :started OR (active_recording.#state = :stopping AND active_recording.claimed_at < :staleBefore)) AND ${RECORDABLE_CONDITION}`,
        ExpressionAttributeNames: { '#status': 'status', '#state': 'state' },
        ExpressionAttributeValues: {
          ':stopping': 'stopping',
          ':started': 'started',
          ':claim': c.claimId,
          ':now': c.claimedAt,
          ':expected': expect.claimId,
          ':staleBefore': expect.staleBefore,
          ...RECORDABLE_VALUES,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    },

    async commitStarted(c, recording, event) {
      const active: ActiveRecording = {
        state: 'started',
        recording_id: c.recordingId,
        seq: c.seq,
        claim_id: c.claimId,
        claimed_at: c.claimedAt,
        recording,
      };
      await commit(
        c,
        {
          UpdateExpression: 'SET active_recording = :active',
          ExpressionAttributeValues: { ':active': active },
        },
        [putRecording(recording, c.seq, 'attribute_not_exists(pk)'), putEvent(event)],
      );
    },

    async commitStartFailed(c, recording, event) {
      await commit(c, freeSlot, [
        putRecording(recording, c.seq, 'attribute_not_exists(pk)'),
        putEvent(event),
      ]);
    },

    async commitCompleted(c, recording, event) {
      await commit(c, freeSlot, [
        putRecording(recording, c.seq, '#status = :started', { ':started': 'started' }),
        putEvent(event),
      ]);
    },

    async releaseStop(c) {
      await commit(
        c,
        {
          UpdateExpression: 'SET active_recording.#state = :started',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':started': 'started' },
        },
        [],
      );
    },
  };
}
