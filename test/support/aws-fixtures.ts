import { randomBytes } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { toApiKeyItem, toApplicationItem, toCallItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { createTableInput, keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { createTestSealer } from './kms.ts';

/** SDK clients (the project's one recipe) pointed at the emulators by the global setup's environment. */
export function createTestClients() {
  const clients = createAwsClients({ s3PathStyle: true });
  return { dynamodb: clients.dynamodb, documents: clients.documents, sqs: clients.sqs(), s3: clients.s3() };
}

/** Creates a fresh bucket in the S3 emulator and returns its name. */
export async function createTestBucket(s3: S3Client): Promise<string> {
  const name = `recordings-test-${uniqueSuffix()}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** A short random suffix for names that must not collide between test files. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Creates a fresh table with the production schema and returns its name. */
export async function createTestTable(documents: DynamoDBDocumentClient): Promise<string> {
  const name = `recordings-test-${uniqueSuffix()}`;
  await documents.send(new CreateTableCommand(createTableInput(name)));
  return name;
}

/** Creates a fresh standard queue (with these attributes) and returns its URL. */
export async function createTestQueue(sqs: SQSClient, attributes?: Record<string, string>): Promise<string> {
  const out = await sqs.send(
    new CreateQueueCommand({
      QueueName: `webhooks-test-${uniqueSuffix()}`,
      ...(attributes ? { Attributes: attributes } : {}),
    }),
  );
  if (!out.QueueUrl) throw new Error('no queue url');
  return out.QueueUrl;
}

/** Receives (and deletes) every message currently in the queue. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return all;
    for (const message of messages) {
      all.push(message);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

/** A seeded tenant: its key in clear (as the customer holds it) and its ids. */
export interface SeededTenant {
  apiKey: string;
  customerId: string;
  applicationId: string;
}

/**
 * Writes an application and its API key (with the application status copied onto it). A webhook
 * secret is stored sealed, as the admin CLI stores it (`webhookSecret` is the secret in clear).
 */
export async function seedTenant(
  documents: DynamoDBDocumentClient,
  table: string,
  overrides: {
    keyStatus?: 'active' | 'revoked';
    applicationStatus?: 'active' | 'disabled';
    webhookUrl?: string;
    webhookSecret?: string;
  } = {},
): Promise<SeededTenant> {
  const suffix = uniqueSuffix();
  const tenant = {
    apiKey: `mv_test_${randomBytes(16).toString('hex')}`,
    customerId: `cust_${suffix}`,
    applicationId: `app_${suffix}`,
  };
  await documents.send(
    new PutCommand({
      TableName: table,
      Item: toApplicationItem({
        id: tenant.applicationId,
        customer_id: tenant.customerId,
        status: overrides.applicationStatus ?? 'active',
        webhook_url: overrides.webhookUrl,
        webhook_secret: overrides.webhookSecret
          ? await createTestSealer().seal(overrides.webhookSecret, tenant.applicationId)
          : undefined,
        created_at: '2026-11-24T10:00:00Z',
      }),
    }),
  );
  await documents.send(
    new PutCommand({
      TableName: table,
      Item: toApiKeyItem({
        key_hash: hashApiKey(tenant.apiKey),
        application_id: tenant.applicationId,
        customer_id: tenant.customerId,
        status: overrides.keyStatus ?? 'active',
        application_status: overrides.applicationStatus ?? 'active',
        created_at: '2026-11-24T10:00:00Z',
        key_prefix: tenant.apiKey.slice(0, 12),
      }),
    }),
  );
  return tenant;
}

/** Writes an active call of the tenant (with a provider call id unless overridden). */
export async function seedCall(
  documents: DynamoDBDocumentClient,
  table: string,
  tenant: SeededTenant,
  overrides: Partial<Call> = {},
): Promise<Call> {
  const suffix = uniqueSuffix();
  const call: Call = {
    id: `call_${suffix}`,
    customer_id: tenant.customerId,
    application_id: tenant.applicationId,
    provider_call_id: `0b6c6d2e-${suffix}-4c1a-9a57-5f0e3b1c2d3e`,
    status: 'in_progress',
    direction: 'inbound',
    from: '+15551230001',
    to: '+15551230002',
    created_at: '2026-11-24T10:00:00Z',
    recording_seq: 0,
    ...overrides,
  };
  await documents.send(new PutCommand({ TableName: table, Item: toCallItem(call) }));
  return call;
}

/** Every item in a call's partition (call, recordings, outbox events), for asserting stored state. */
export async function callPartition(documents: DynamoDBDocumentClient, table: string, callId: string) {
  const out = await documents.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.call(callId).pk },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  return {
    call: items.find((item) => item.sk === 'CALL'),
    recordings: items.filter((item) => String(item.sk).startsWith('REC#')),
    outbox: items.filter((item) => String(item.sk).startsWith('EVT#')),
  };
}
