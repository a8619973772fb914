import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk } from '../aws/aws-sdk.ts';

const { ConditionalCheckFailedException } = dynamodbSdk;
const { GetCommand, UpdateCommand } = documentSdk;

import type { WebhookStore } from '../../webhooks/ports.ts';
import type { DeliveryStatus } from '../../webhooks/types.ts';
import { fromApplicationItem } from './item-mappers.ts';
import { keys, TTL_ATTRIBUTE } from './table-schema.ts';

/** Delivery records are kept this long after their last attempt. */
const DELIVERY_RECORD_DAYS = 30;

/** DynamoDB implementation of {@link WebhookStore}: reads applications, keeps one record per event. */
export function createDynamoDbWebhookStore(client: DynamoDBDocumentClient, tableName: string): WebhookStore {
  return {
    async getApplication(applicationId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.application(applicationId) }),
      );
      return out.Item ? fromApplicationItem(out.Item) : undefined;
    },

    async getDelivery(eventId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.delivery(eventId), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      return { status: out.Item.status as DeliveryStatus, attempts: Number(out.Item.attempt_count ?? 0) };
    },

    async recordAttempt(eventId, details, attempt, status) {
      const expiresAt = Math.floor(Date.parse(attempt.at) / 1000) + DELIVERY_RECORD_DAYS * 86_400;
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.delivery(eventId),
          UpdateExpression: [
            'SET #type = :type, event_id = :event, application_id = :app, event_type = :eventType',
            '#status = :status, last_attempt_at = :at, last_status_code = :code, #ttl = :ttl',
            'attempts = list_append(if_not_exists(attempts, :empty), :attempt)',
            'first_attempt_at = if_not_exists(first_attempt_at, :at)',
            status === 'delivered' ? 'delivered_at = :at' : undefined,
          ]
            .filter(Boolean)
            .join(', ')
            .concat(' ADD attempt_count :one'),
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':type': 'delivery',
            ':event': eventId,
            ':app': details.application_id,
            ':eventType': details.event_type,
            ':status': status,
            ':at': attempt.at,
            ':code': attempt.status_code,
            ':ttl': expiresAt,
            ':empty': [],
            ':attempt': [attempt],
            ':one': 1,
          },
        }),
      );
    },

    async markEndpointGone(applicationId, webhookUrl, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(applicationId),
            UpdateExpression: 'SET webhook_status = :gone, webhook_gone_at = :at',
            ConditionExpression: 'webhook_url = :url',
            ExpressionAttributeValues: { ':gone': 'gone', ':at': at, ':url': webhookUrl },
          }),
        );
      } catch (error) {
        // The customer set a new URL meanwhile: that one is not gone.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
