import { randomBytes, randomUUID } from 'node:crypto';
import { CreateTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../shared/accounts/api-key.ts';
import { DEFAULT_RETENTION_DAYS } from '../shared/accounts/types.ts';
import {
  toApiKeyItem,
  toApplicationItem,
  toCallItem,
  toOutboxItem,
  toRecordingItem,
} from '../shared/adapters/dynamodb/item-mappers.ts';
import { createTableInput } from '../shared/adapters/dynamodb/table-schema.ts';
import { randomIds } from '../shared/adapters/system/random-ids.ts';
import { recordingIdFor } from '../shared/recordings/call-rules.ts';
import { mediaUrlOf } from '../shared/recordings/recording-object.ts';
import { newRecording, recordingEnd, recordingEvent } from '../shared/recordings/recording-records.ts';
import type { Call, RecordableCall } from '../shared/recordings/types.ts';

/** A tenant the benchmark talks as. */
export interface BenchTenant {
  apiKey: string;
  applicationId: string;
  customerId: string;
  calls: Call[];
  /** Items written for the tenant: application, key, calls and their history. */
  items: number;
}

/**
 * Creates the table as the stack does but with its stream off, and its webhook queue; returns the
 * queue's URL. What is seeded before {@link enableStream} is history whose events were relayed when
 * they happened: the bench's outbox relay, which reads the stream from its start, must not take it.
 */
export async function tableForSeeding(documents: DynamoDBDocumentClient, sqs: SQSClient, name: string) {
  const { StreamSpecification: _stream, ...input } = createTableInput(name);
  await documents.send(new CreateTableCommand(input));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-webhooks` }));
  return queue.QueueUrl ?? '';
}

/** Turns the table's stream on as the stack has it: from now on every new item goes to the outbox relay. */
export async function enableStream(documents: DynamoDBDocumentClient, name: string) {
  const { StreamSpecification } = createTableInput(name);
  await documents.send(new UpdateTableCommand({ TableName: name, StreamSpecification }));
}

/** Writes `items` in batches of 25, a few batches at a time, until DynamoDB took them all. */
export async function writeAll(
  documents: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
) {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // A few batches at a time; BatchWrite may hand back unprocessed items under load.
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map(async (batch) => {
        let pending: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending && pending.length > 0) {
          const out = await documents.send(
            new BatchWriteCommand({ RequestItems: { [table]: pending as never } }),
          );
          pending = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }),
    );
  }
}

/**
 * Writes a tenant (application + key) with `callCount` active calls, each with a channel and `history`
 * past recordings: each completed and its `recording.started` and `recording.completed` outbox events,
 * built and mapped as the service commits them, all in the call's partition (`CALL#<id>`).
 */
export async function seedBenchTenant(
  documents: DynamoDBDocumentClient,
  table: string,
  callCount: number,
  history = 0,
): Promise<BenchTenant> {
  const suffix = randomBytes(6).toString('hex');
  const tenant = {
    apiKey: `mv_test_${randomBytes(20).toString('hex')}`,
    applicationId: `app_${suffix}`,
    customerId: `cust_${suffix}`,
  };
  const calls: Call[] = Array.from({ length: callCount }, (_, i) => ({
    id: `call_${suffix}${i}`,
    customer_id: tenant.customerId,
    application_id: tenant.applicationId,
    provider_call_id: randomUUID(),
    status: 'in_progress',
    direction: 'inbound',
    from: '+15551230001',
    to: '+15551230002',
    created_at: '2026-11-24T10:00:00Z',
    // The next start takes number history + 1, as it would after that many recordings.
    recording_seq: history,
  }));
  const items = [
    toApplicationItem({
      id: tenant.applicationId,
      customer_id: tenant.customerId,
      status: 'active',
      created_at: '2026-11-24T10:00:00Z',
    }),
    toApiKeyItem({
      key_hash: hashApiKey(tenant.apiKey),
      application_id: tenant.applicationId,
      customer_id: tenant.customerId,
      status: 'active',
      application_status: 'active',
      created_at: '2026-11-24T10:00:00Z',
      key_prefix: tenant.apiKey.slice(0, 12),
    }),
    ...calls.map(toCallItem),
    ...calls.flatMap((call) => pastRecordings(call as RecordableCall, history)),
  ];
  await writeAll(documents, table, items);
  return { ...tenant, calls, items: items.length };
}

/**
 * The items `count` finished recordings left in a call's partition: each recording (completed, stored,
 * on the purge list for the default retention) and its two outbox events, one minute apart.
 */
function pastRecordings(call: RecordableCall, count: number): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const startedAt = new Date(Date.parse(call.created_at) + (seq - 1) * 60_000);
    const stoppedAt = new Date(startedAt.getTime() + 30_000);
    const started = newRecording(call, recordingIdFor(call.id, seq), startedAt);
    const end = recordingEnd(
      call,
      started,
      {
        kind: 'stored',
        facts: { duration_ms: 30_000, size_bytes: 480_044 },
        fileUrl: mediaUrlOf('http://127.0.0.1:3000', started.id),
        purgeAt: stoppedAt.getTime() + DEFAULT_RETENTION_DAYS * 86_400_000,
      },
      'stopped',
      { ids: randomIds },
      stoppedAt,
    );
    items.push(
      toRecordingItem(end.recording, seq, end.ending, end.purgeAt),
      toOutboxItem(
        recordingEvent(call, started, { type: 'recording.started' }, { ids: randomIds }, startedAt),
      ),
      ...end.events.map(toOutboxItem),
    );
  }
  return items;
}

/** Background data: `count` tenants, each with a key, an ended call and a completed recording. */
export async function seedBackground(
  documents: DynamoDBDocumentClient,
  table: string,
  count: number,
): Promise<number> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `${randomBytes(6).toString('hex')}${i}`;
    const call: Call = {
      id: `call_${id}`,
      customer_id: `cust_${id}`,
      application_id: `app_${id}`,
      provider_call_id: randomUUID(),
      status: 'completed',
      direction: 'inbound',
      from: '+15551230001',
      to: '+15551230002',
      created_at: '2026-11-24T10:00:00Z',
      recording_seq: 1,
    };
    items.push(
      toApplicationItem({
        id: call.application_id,
        customer_id: call.customer_id,
        status: 'active',
        created_at: call.created_at,
      }),
      toApiKeyItem({
        key_hash: hashApiKey(`mv_test_${id}background`),
        application_id: call.application_id,
        customer_id: call.customer_id,
        status: 'active',
        application_status: 'active',
        created_at: call.created_at,
        key_prefix: 'mv_test_back',
      }),
      toCallItem(call),
      toRecordingItem(
        {
          id: `rec_${call.id}`,
          call_id: call.id,
          customer_id: call.customer_id,
          application_id: call.application_id,
          provider_call_id: call.provider_call_id ?? '',
          status: 'completed',
          storage_type: 'local',
          file_url: `http://127.0.0.1/recordings/${call.id}.wav`,
          duration_seconds: 30,
          size_bytes: 480_044,
          created_at: call.created_at,
          updated_at: call.created_at,
        },
        1,
      ),
    );
  }
  await writeAll(documents, table, items);
  return items.length;
}
