import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk } from '../aws/aws-sdk.ts';

const { ConditionalCheckFailedException } = dynamodbSdk;
const { GetCommand, QueryCommand, UpdateCommand } = documentSdk;

import { InvalidCursorError, type WebhookStore } from '../../webhooks/ports.ts';
import { withDependencyErrors } from '../aws/dependency-errors.ts';
import { fromApplicationItem, fromDeliveryItem } from './item-mappers.ts';
import { deliveryIndexKeys, GSI1, keys, TTL_ATTRIBUTE } from './table-schema.ts';

/** Delivery records are kept this long after their last attempt (parked ones included). */
const DELIVERY_RECORD_DAYS = 30;

/** An opaque page cursor: the index key the previous page ended at. */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The index key a cursor names, only if it is one of this partition (a client cannot steer elsewhere). */
function decodeCursor(cursor: string, partition: string): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid =
      key[GSI1.partition] === partition &&
      typeof key[GSI1.sort] === 'string' &&
      typeof key.pk === 'string' &&
      key.sk === 'DELIVERY' &&
      Object.keys(key).length === 4;
    if (valid) return key as Record<string, string>;
  } catch {
    // falls through
  }
  throw new InvalidCursorError();
}

/**
 * DynamoDB implementation of {@link WebhookStore}: one delivery record per event (`DELIVERY#<id>`, kept
 * 30 days, listed per application and status through GSI1), endpoint health on the application item.
 */
export function createDynamoDbWebhookStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): WebhookStore {
  // Outages and throttling surface as 503 service_unavailable on the API; condition failures pass.
  const client = withDependencyErrors(documents, 'storage');
  /** A conditional update; false when the condition did not hold. */
  async function updateIf(input: Record<string, unknown>): Promise<boolean> {
    try {
      await client.send(new UpdateCommand({ TableName: tableName, ...input } as never));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

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
      return out.Item ? fromDeliveryItem(out.Item) : undefined;
    },

    async recordAttempt(event, attempt, status, parkedReason) {
      const expiresAt = Math.floor(Date.parse(attempt.at) / 1000) + DELIVERY_RECORD_DAYS * 86_400;
      const index = deliveryIndexKeys(event.application_id, status, event.occurred_at, event.event_id);
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.delivery(event.event_id),
          UpdateExpression: [
            'SET #type = :type, event_id = :event, application_id = :app, event_type = :eventType',
            'occurred_at = :occurred, body = :body, #gpk = :gpk, #gsk = :gsk',
            event.call_id ? 'call_id = :call' : undefined,
            '#status = :status, last_attempt_at = :at, last_status_code = :code, #ttl = :ttl',
            'attempts = list_append(if_not_exists(attempts, :empty), :attempt)',
            'first_attempt_at = if_not_exists(first_attempt_at, :at)',
            status === 'delivered' ? 'delivered_at = :at' : undefined,
            parkedReason ? 'parked_reason = :reason' : undefined,
          ]
            .filter(Boolean)
            .join(', ')
            .concat(' ADD attempt_count :one')
            .concat(parkedReason ? '' : ' REMOVE parked_reason'),
          ExpressionAttributeNames: {
            '#type': 'type',
            '#status': 'status',
            '#ttl': TTL_ATTRIBUTE,
            '#gpk': GSI1.partition,
            '#gsk': GSI1.sort,
          },
          ExpressionAttributeValues: {
            ':type': 'delivery',
            ':event': event.event_id,
            ':app': event.application_id,
            ':eventType': event.event_type,
            ':occurred': event.occurred_at,
            ':body': event.body,
            ':gpk': index[GSI1.partition],
            ':gsk': index[GSI1.sort],
            ...(event.call_id ? { ':call': event.call_id } : {}),
            ':status': status,
            ':at': attempt.at,
            ':code': attempt.status_code,
            ':ttl': expiresAt,
            ':empty': [],
            ':attempt': [attempt],
            ':one': 1,
            ...(parkedReason ? { ':reason': parkedReason } : {}),
          },
        }),
      );
    },

    async markPending(events) {
      for (const event of events) {
        const index = deliveryIndexKeys(event.application_id, 'pending', event.occurred_at, event.event_id);
        await updateIf({
          Key: keys.delivery(event.event_id),
          UpdateExpression: 'SET #status = :pending, #gpk = :gpk, #gsk = :gsk REMOVE parked_reason',
          ConditionExpression: 'attempt_count = :seen',
          ExpressionAttributeNames: { '#status': 'status', '#gpk': GSI1.partition, '#gsk': GSI1.sort },
          ExpressionAttributeValues: {
            ':seen': event.attempt_count,
            ':pending': 'pending',
            ':gpk': index[GSI1.partition],
            ':gsk': index[GSI1.sort],
          },
        });
      }
    },

    async listDeliveries(applicationId, status, page) {
      const partition = `DELIVERIES#${applicationId}#${status}`;
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI1.name,
          KeyConditionExpression: page.since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': GSI1.partition, ...(page.since ? { '#sk': GSI1.sort } : {}) },
          ExpressionAttributeValues: {
            ':pk': partition,
            ...(page.since ? { ':since': String(Date.parse(page.since)).padStart(15, '0') } : {}),
          },
          ScanIndexForward: false,
          // One more than the page: a cursor only when there is a next record (DynamoDB's own
          // LastEvaluatedKey would also come when the page ends exactly on the last one).
          Limit: page.limit + 1,
          ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor, partition) } : {}),
        }),
      );
      const items = out.Items ?? [];
      const last = items.length > page.limit ? items[page.limit - 1] : undefined;
      return {
        records: items.slice(0, page.limit).map(fromDeliveryItem),
        cursor: last
          ? encodeCursor({
              pk: last.pk,
              sk: last.sk,
              [GSI1.partition]: last[GSI1.partition],
              [GSI1.sort]: last[GSI1.sort],
            })
          : undefined,
      };
    },

    async markEndpointGone(applicationId, webhookUrl, at) {
      // Unless the customer set a new URL meanwhile: that one is not gone.
      await updateIf({
        Key: keys.application(applicationId),
        UpdateExpression:
          'SET webhook_status = :gone, webhook_disabled_at = :at, webhook_disabled_reason = :reason',
        ConditionExpression: 'webhook_url = :url',
        ExpressionAttributeValues: {
          ':gone': 'gone',
          ':at': at,
          ':url': webhookUrl,
          ':reason': 'the endpoint answered 410 Gone',
        },
      });
    },

    async markFailing(applicationId, webhookUrl, at) {
      try {
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.application(applicationId),
            UpdateExpression: 'SET webhook_failing_since = if_not_exists(webhook_failing_since, :at)',
            ConditionExpression: 'webhook_url = :url',
            ExpressionAttributeValues: { ':at': at, ':url': webhookUrl },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return String(out.Attributes?.webhook_failing_since ?? at);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return at; // a new URL: its own clock
        throw error;
      }
    },

    async markRecovered(applicationId, webhookUrl) {
      return updateIf({
        Key: keys.application(applicationId),
        UpdateExpression: 'REMOVE webhook_failing_since',
        ConditionExpression: 'webhook_url = :url AND attribute_exists(webhook_failing_since)',
        ExpressionAttributeValues: { ':url': webhookUrl },
      });
    },

    async disableEndpoint(applicationId, webhookUrl, at, reason) {
      await updateIf({
        Key: keys.application(applicationId),
        UpdateExpression:
          'SET webhook_status = :disabled, webhook_disabled_at = :at, webhook_disabled_reason = :reason',
        ConditionExpression:
          'webhook_url = :url AND (attribute_not_exists(webhook_status) OR webhook_status = :active)',
        ExpressionAttributeValues: {
          ':disabled': 'disabled',
          ':at': at,
          ':reason': reason,
          ':url': webhookUrl,
          ':active': 'active',
        },
      });
    },
  };
}
