import type {
  BatchGetCommandOutput,
  DynamoDBDocumentClient,
  TransactWriteCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk, marshallSdk } from '../aws/aws-sdk.ts';

const { ConditionalCheckFailedException, TransactionCanceledException } = dynamodbSdk;
const { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } = documentSdk;
const { unmarshall } = marshallSdk;

import { ClaimLostError } from '../../recordings/errors.ts';
import type { AccessSnapshot, Claim, ClaimResult, RecordingStore } from '../../recordings/ports.ts';
import {
  type ActiveRecording,
  type Recording,
  type RecordingEnding,
  TERMINAL_CALL_STATUSES,
} from '../../recordings/types.ts';
import type { OutboxEvent } from '../../webhooks/types.ts';
import { withDependencyErrors } from '../aws/dependency-errors.ts';
import {
  fromApiKeyItem,
  fromCallItem,
  fromRecordingItem,
  toOutboxItem,
  toRecordingItem,
} from './item-mappers.ts';
import { GSI2, keys } from './table-schema.ts';

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
    const { ExpressionAttributeNames, ExpressionAttributeValues, UpdateExpression, ConditionExpression } =
      callUpdate;
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.call(c.callId),
                UpdateExpression,
                ConditionExpression: `active_recording.claim_id = :claim${ConditionExpression ? ` AND ${ConditionExpression}` : ''}`,
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
        error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')
      ) {
        // The call changed since it was read: another request took it over (we outlived the lease), or a
        // media event got there first. The caller reads it again.
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
    ending?: RecordingEnding,
    purgeAt?: number,
  ): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: toRecordingItem(recording, seq, ending, purgeAt),
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
  const getCall = async (callId: string) => {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.call(callId), ConsistentRead: true }),
    );
    return out.Item ? fromCallItem(out.Item) : undefined;
  };

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

    getCall,

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
        putRecording(recording, c.seq, 'attribute_not_exists(pk)', undefined, {
          failure_reason: 'start_failed',
        }),
        putEvent(event),
      ]);
    },

    async commitEnded(c, end) {
      const recording = end.adoptsStart
        ? putRecording(end.recording, c.seq, 'attribute_not_exists(pk)', undefined, end.ending, end.purgeAt)
        : putRecording(
            end.recording,
            c.seq,
            '#status = :started',
            { ':started': 'started' },
            end.ending,
            end.purgeAt,
          );
      const callUpdate = end.endCall
        ? {
            UpdateExpression: 'REMOVE active_recording SET #status = :ended',
            ConditionExpression: `NOT (#status IN (${TERMINAL_CALL_STATUSES.map((_, i) => `:t${i}`).join(', ')}))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':ended': end.endCall, ...RECORDABLE_VALUES },
          }
        : freeSlot;
      await commit(c, callUpdate, [recording, ...end.events.map(putEvent)]);
    },

    async endCall(callId, status) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.call(callId),
            UpdateExpression: 'SET #status = :ended',
            ConditionExpression: `attribute_exists(pk) AND NOT (#status IN (${TERMINAL_CALL_STATUSES.map((_, i) => `:t${i}`).join(', ')}))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':ended': status, ...RECORDABLE_VALUES },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async findCallByChannel(channelUuid) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI2.name,
          KeyConditionExpression: '#pk = :channel',
          ExpressionAttributeNames: { '#pk': GSI2.partition },
          ExpressionAttributeValues: { ':channel': keys.channel(channelUuid, '')[GSI2.partition] },
          Limit: 1,
        }),
      );
      const found = out.Items?.[0];
      return found ? getCall(String(found[GSI2.sort]).slice('CALL#'.length)) : undefined;
    },

    async getRecording(callId, seq) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.recording(callId, seq), ConsistentRead: true }),
      );
      return out.Item ? fromRecordingItem(out.Item) : undefined;
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
