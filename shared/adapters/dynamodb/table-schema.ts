import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Partition and sort key attribute names of the single table. */
export const KEY_ATTRIBUTES = { partition: 'pk', sort: 'sk' } as const;

/**
 * The first index (all attributes): API keys by application, recordings whose audio is due to be purged,
 * and an application's webhook deliveries by status.
 */
export const GSI1 = { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' } as const;

/**
 * The second index, keys only: a call by its media-server channel (`CHAN#<provider_call_id>`), for the
 * hangup events that name only the channel. Keys only, so updates of a call never write to it.
 */
export const GSI2 = { name: 'gsi2', partition: 'gsi2pk', sort: 'gsi2sk' } as const;

/** Attribute DynamoDB's TTL deletes expired items by (webhook delivery records). */
export const TTL_ATTRIBUTE = 'expires_at';

/** Key builders: every item's address in one place, so adapters and docs cannot drift. */
export const keys = {
  apiKey: (hash: string) => ({ pk: `KEY#${hash}`, sk: 'KEY' }),
  application: (id: string) => ({ pk: `APP#${id}`, sk: 'APP' }),
  customer: (id: string) => ({ pk: `CUST#${id}`, sk: 'CUST' }),
  call: (id: string) => ({ pk: `CALL#${id}`, sk: 'CALL' }),
  recording: (callId: string, seq: number) => ({
    pk: `CALL#${callId}`,
    sk: `REC#${String(seq).padStart(6, '0')}`,
  }),
  outboxEvent: (callId: string, eventId: string) => ({ pk: `CALL#${callId}`, sk: `EVT#${eventId}` }),
  delivery: (eventId: string) => ({ pk: `DELIVERY#${eventId}`, sk: 'DELIVERY' }),
  /** An application's request allowance (and the copy of its status the limiter checks). */
  rate: (applicationId: string) => ({ pk: `RATE#${applicationId}`, sk: 'RATE' }),
  /** GSI2 address of a call: by its channel. */
  channel: (providerCallId: string, callId: string) => ({
    [GSI2.partition]: `CHAN#${providerCallId}`,
    [GSI2.sort]: `CALL#${callId}`,
  }),
} as const;

/** The `type` of outbox items: the table's stream is filtered on it. */
export const OUTBOX_ITEM_TYPE = 'outbox_event';

/** GSI1 partition listing recordings by when their audio is due to be purged. */
export const PURGE_PARTITION = 'PURGE';

/** GSI1 address of an event's delivery record: its application's deliveries in one status, by time. */
export function deliveryIndexKeys(
  applicationId: string,
  status: string,
  occurredAt: string,
  eventId: string,
) {
  return {
    [GSI1.partition]: `DELIVERIES#${applicationId}#${status}`,
    [GSI1.sort]: `${String(Date.parse(occurredAt)).padStart(15, '0')}#${eventId}`,
  };
}

/** GSI1 address of a recording due to be purged at `purgeAt` (epoch ms): earliest first. */
export function purgeIndexKeys(purgeAt: number, callId: string, seq: number) {
  return {
    [GSI1.partition]: PURGE_PARTITION,
    [GSI1.sort]: `${String(purgeAt).padStart(15, '0')}#${callId}#${String(seq).padStart(6, '0')}`,
  };
}

/** CreateTable input matching the CDK table, for the emulators (tests and local runs). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: KEY_ATTRIBUTES.partition, AttributeType: 'S' },
      { AttributeName: KEY_ATTRIBUTES.sort, AttributeType: 'S' },
      { AttributeName: GSI1.partition, AttributeType: 'S' },
      { AttributeName: GSI1.sort, AttributeType: 'S' },
      { AttributeName: GSI2.partition, AttributeType: 'S' },
      { AttributeName: GSI2.sort, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: KEY_ATTRIBUTES.partition, KeyType: 'HASH' },
      { AttributeName: KEY_ATTRIBUTES.sort, KeyType: 'RANGE' },
    ],
    // The outbox: every new item's image goes to the stream, and the outbox relay takes the events.
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.name,
        KeySchema: [
          { AttributeName: GSI1.partition, KeyType: 'HASH' },
          { AttributeName: GSI1.sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: GSI2.name,
        KeySchema: [
          { AttributeName: GSI2.partition, KeyType: 'HASH' },
          { AttributeName: GSI2.sort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
