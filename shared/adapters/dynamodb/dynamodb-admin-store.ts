import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk } from '../aws/aws-sdk.ts';

const { ConditionalCheckFailedException, TransactionCanceledException } = dynamodbSdk;
const { GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } =
  documentSdk;

import { AdminError } from '../../admin/errors.ts';
import type { AdminStore } from '../../admin/ports.ts';
import { TERMINAL_CALL_STATUSES } from '../../recordings/types.ts';
import {
  fromApplicationItem,
  fromCallItem,
  fromDeliveryItem,
  fromRecordingItem,
  toApiKeyItem,
  toApplicationItem,
  toCallItem,
} from './item-mappers.ts';
import { GSI1, keys, TTL_ATTRIBUTE } from './table-schema.ts';

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException;

/** A transaction holds at most 100 items: the application's condition and 99 keys. */
const KEYS_PER_TRANSACTION = 99;

/** DynamoDB implementation of {@link AdminStore}, on the same single table as the service. */
export function createDynamoDbAdminStore(client: DynamoDBDocumentClient, tableName: string): AdminStore {
  /** Runs a write; a failed condition becomes an AdminError with `message`. */
  async function guarded(write: Promise<unknown>, message: string) {
    try {
      await write;
    } catch (error) {
      if (conditionFailed(error)) throw new AdminError(message);
      throw error;
    }
  }
  /** Creates `item` only if it is new and its parent (customer, application) exists, in one transaction. */
  const putUnder = (parent: Record<string, string>, item: Record<string, unknown>, message: string) =>
    guarded(
      client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: parent,
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      ),
      message,
    );

  /** Sets the status on these keys, in one transaction conditional on the application still having it. */
  async function copyToKeys(applicationId: string, status: string, keyHashes: string[]) {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: keys.application(applicationId),
                ConditionExpression: '#status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':status': status },
              },
            },
            ...keyHashes.map((hash) => ({
              Update: {
                TableName: tableName,
                Key: keys.apiKey(hash),
                UpdateExpression: 'SET application_status = :status',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':status': status },
              },
            })),
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // A later status change must win over this copy of an older one; anything else (a key written
      // at the same moment) only needs the command run again.
      throw new AdminError(
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
          ? `application ${applicationId} is no longer ${status}: the later change updates its keys`
          : `keys of application ${applicationId} changed while they were updated; run the command again`,
      );
    }
  }

  return {
    async putCustomer(customer) {
      await guarded(
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.customer(customer.id), type: 'customer', ...customer },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
        `customer ${customer.id} exists`,
      );
    },

    async putApplication(application) {
      await putUnder(
        keys.customer(application.customer_id),
        toApplicationItem(application),
        `no customer ${application.customer_id}`,
      );
    },

    async getApplication(applicationId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.application(applicationId), ConsistentRead: true }),
      );
      return out.Item ? fromApplicationItem(out.Item) : undefined;
    },

    async putApiKey(key) {
      await guarded(
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                // The copied status must still be the application's: a concurrent disable wins.
                ConditionCheck: {
                  TableName: tableName,
                  Key: keys.application(key.application_id),
                  ConditionExpression: '#status = :status',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':status': key.application_status },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: toApiKeyItem(key),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
        `application ${key.application_id} changed while the key was created; try again`,
      );
    },

    async revokeApiKey(keyHash) {
      await guarded(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.apiKey(keyHash),
            UpdateExpression: 'SET #status = :revoked',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':revoked': 'revoked' },
          }),
        ),
        'no such API key',
      );
    },

    async setWebhook(applicationId, webhookUrl, webhookSecret) {
      await guarded(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(applicationId),
            // Setting the webhook again resumes a gone or disabled endpoint, with a clean record. A
            // secret given here replaces the current one at once (a leaked secret must stop signing):
            // any rotation in progress ends with it.
            UpdateExpression: [
              `SET webhook_url = :url, webhook_status = :active${webhookSecret ? ', webhook_secret = :secret' : ''}`,
              'REMOVE webhook_failing_since, webhook_disabled_at, webhook_disabled_reason',
              webhookSecret ? ', webhook_secret_previous, webhook_secret_previous_expires_at' : '',
            ].join(' '),
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: {
              ':url': webhookUrl,
              ':active': 'active',
              ...(webhookSecret ? { ':secret': webhookSecret } : {}),
            },
          }),
        ),
        `no application ${applicationId}`,
      );
    },

    async rotateWebhookSecret(applicationId, secret, previousExpiresAt) {
      await guarded(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(applicationId),
            UpdateExpression:
              'SET webhook_secret_previous = webhook_secret, webhook_secret = :secret, webhook_secret_previous_expires_at = :expires',
            ConditionExpression: 'attribute_exists(webhook_secret)',
            ExpressionAttributeValues: { ':secret': secret, ':expires': previousExpiresAt },
          }),
        ),
        `no application ${applicationId} with a webhook secret to rotate`,
      );
    },

    async setRetention(applicationId, days) {
      await guarded(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(applicationId),
            UpdateExpression: 'SET retention_days = :days',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':days': days },
          }),
        ),
        `no application ${applicationId}`,
      );
    },

    async setApplicationStatus(applicationId, status) {
      await guarded(
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.application(applicationId),
                  UpdateExpression: 'SET #status = :status',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':status': status },
                },
              },
              {
                // The limiter's item, which every request of every key of the application updates (or
                // creates): its copy of the status refuses them all at once. A disabled mark must not
                // expire with the allowance, so a disable takes the item off TTL.
                Update: {
                  TableName: tableName,
                  Key: keys.rate(applicationId),
                  UpdateExpression: `SET application_status = :status${status === 'disabled' ? ` REMOVE ${TTL_ATTRIBUTE}` : ''}`,
                  ExpressionAttributeValues: { ':status': status },
                },
              },
            ],
          }),
        ),
        `no application ${applicationId}`,
      );
    },

    async *copyStatusToKeys(applicationId, status) {
      let startKey: Record<string, unknown> | undefined;
      do {
        // Only the keys that do not carry the status yet: a second run resumes where the first stopped.
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: GSI1.name,
            KeyConditionExpression: '#pk = :keys',
            FilterExpression: 'application_status <> :status',
            ProjectionExpression: 'key_hash',
            ExpressionAttributeNames: { '#pk': GSI1.partition },
            ExpressionAttributeValues: { ':keys': `APP#${applicationId}#KEYS`, ':status': status },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        startKey = page.LastEvaluatedKey;
        const hashes = (page.Items ?? []).map((item) => String(item.key_hash));
        for (let i = 0; i < hashes.length; i += KEYS_PER_TRANSACTION) {
          const chunk = hashes.slice(i, i + KEYS_PER_TRANSACTION);
          await copyToKeys(applicationId, status, chunk);
          yield chunk.length;
        }
      } while (startKey);
    },

    async *listApplications() {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: '#type = :application',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':application': 'application' },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        startKey = page.LastEvaluatedKey;
        if (page.Items?.length) yield page.Items.map(fromApplicationItem);
      } while (startKey);
    },

    async sealStoredSecrets(applicationId, replacements) {
      const fields = Object.entries(replacements).filter(
        (entry): entry is [string, { plaintext: string; sealed: string }] => entry[1] !== undefined,
      );
      if (fields.length === 0) return true;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(applicationId),
            UpdateExpression: `SET ${fields.map(([field]) => `${field} = :${field}_sealed`).join(', ')}`,
            // Only over the very plaintext that was read: a secret set meanwhile stays as it is.
            ConditionExpression: fields.map(([field]) => `${field} = :${field}_plain`).join(' AND '),
            ExpressionAttributeValues: Object.fromEntries(
              fields.flatMap(([field, { plaintext, sealed }]) => [
                [`:${field}_sealed`, sealed],
                [`:${field}_plain`, plaintext],
              ]),
            ),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async putCall(call) {
      await putUnder(
        keys.application(call.application_id),
        toCallItem(call),
        `no application ${call.application_id}, or call ${call.id} exists`,
      );
    },

    async getCall(callId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.call(callId), ConsistentRead: true }),
      );
      return out.Item ? fromCallItem(out.Item) : undefined;
    },

    async endCall(callId, status) {
      await guarded(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.call(callId),
            UpdateExpression: 'SET #status = :status',
            ConditionExpression: `attribute_exists(pk) AND NOT (#status IN (${TERMINAL_CALL_STATUSES.map((_, i) => `:t${i}`).join(', ')}))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': status,
              ...Object.fromEntries(TERMINAL_CALL_STATUSES.map((s, i) => [`:t${i}`, s])),
            },
          }),
        ),
        `no active call ${callId}`,
      );
    },

    async getDelivery(eventId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.delivery(eventId), ConsistentRead: true }),
      );
      return out.Item ? fromDeliveryItem(out.Item) : undefined;
    },

    async listRecordings(callId) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
          ExpressionAttributeValues: { ':pk': keys.call(callId).pk, ':rec': 'REC#' },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map(fromRecordingItem);
    },
  };
}
