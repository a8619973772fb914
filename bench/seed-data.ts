import { randomBytes, randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../shared/accounts/api-key.ts';
import {
  toApiKeyItem,
  toApplicationItem,
  toCallItem,
  toRecordingItem,
} from '../shared/adapters/dynamodb/item-mappers.ts';
import type { Call } from '../shared/recordings/types.ts';

/** A tenant the benchmark talks as. */
export interface BenchTenant {
  apiKey: string;
  applicationId: string;
  customerId: string;
  calls: Call[];
}

async function writeAll(documents: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]) {
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

/** Writes a tenant (application + key) with `callCount` active calls, each with a channel. */
export async function seedBenchTenant(
  documents: DynamoDBDocumentClient,
  table: string,
  callCount: number,
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
    recording_seq: 0,
  }));
  await writeAll(documents, table, [
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
  ]);
  return { ...tenant, calls };
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
