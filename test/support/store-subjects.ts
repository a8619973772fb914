import { hashApiKey } from '../../shared/accounts/api-key.ts';
import type { Application } from '../../shared/accounts/types.ts';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import type { AdminStore } from '../../shared/admin/ports.ts';
import type { ArchiveStore } from '../../shared/archive/ports.ts';
import type { RecordingStore } from '../../shared/recordings/ports.ts';
import type { Call } from '../../shared/recordings/types.ts';
import type { WebhookStore } from '../../shared/webhooks/ports.ts';
import { createTestClients, createTestTable, uniqueSuffix } from './aws-fixtures.ts';
import {
  type CommittedEvents,
  dynamoDbCommittedEvents,
  inMemoryCommittedEvents,
} from './committed-events.ts';
import { createInMemoryAdminStore } from './fakes/in-memory-admin-store.ts';
import { createInMemoryArchiveStore } from './fakes/in-memory-archive-store.ts';
import { createInMemoryRecordingStore } from './fakes/in-memory-recording-store.ts';
import { createInMemoryState } from './fakes/in-memory-state.ts';
import { createInMemoryWebhookStore } from './fakes/in-memory-webhook-store.ts';

/** Every store port over one backing store: what the contract suites run against. */
export interface StoreSubject {
  recordings: RecordingStore;
  /** The outbox events committed with state changes (read back for the checks only). */
  events: CommittedEvents;
  webhooks: WebhookStore;
  admin: AdminStore;
  archive: ArchiveStore;
}

/** The two implementations of the store ports that must behave alike. */
export const STORE_SUBJECTS: { name: string; create: () => Promise<StoreSubject> }[] = [
  {
    name: 'the in-memory fakes',
    create: async () => {
      const state = createInMemoryState();
      return {
        recordings: createInMemoryRecordingStore(state),
        events: inMemoryCommittedEvents(state),
        webhooks: createInMemoryWebhookStore(state),
        admin: createInMemoryAdminStore(state),
        archive: createInMemoryArchiveStore(state),
      };
    },
  },
  {
    name: 'DynamoDB Local',
    create: async () => {
      const { documents } = createTestClients();
      const table = await createTestTable(documents);
      return {
        recordings: createDynamoDbRecordingStore(documents, table),
        events: dynamoDbCommittedEvents(documents, table),
        webhooks: createDynamoDbWebhookStore(documents, table),
        admin: createDynamoDbAdminStore(documents, table),
        archive: createDynamoDbArchiveStore(documents, table),
      };
    },
  },
];

/** A tenant seeded through the admin port: a customer, an active application and one active key. */
export async function seedTenantThrough(
  admin: AdminStore,
  application: Partial<Application> = {},
): Promise<{ key: string; keyHash: string; application: Application }> {
  const suffix = uniqueSuffix();
  const customerId = `cust_${suffix}`;
  await admin.putCustomer({ id: customerId, name: 'Contract', created_at: '2026-11-24T10:00:00Z' });
  const app: Application = { id: `app_${suffix}`, customer_id: customerId, status: 'active', ...application };
  await admin.putApplication({ ...app, created_at: '2026-11-24T10:00:00Z' });
  const key = `mv_test_${suffix}${suffix}${suffix}`;
  await admin.putApiKey({
    key_hash: hashApiKey(key),
    application_id: app.id,
    customer_id: customerId,
    status: 'active',
    application_status: 'active',
    created_at: '2026-11-24T10:00:00Z',
    key_prefix: key.slice(0, 12),
  });
  return { key, keyHash: hashApiKey(key), application: app };
}

/** An active call of the application, with a media-server channel unless overridden. */
export async function seedCallThrough(
  admin: AdminStore,
  application: Application,
  overrides: Partial<Call> = {},
): Promise<Call> {
  const suffix = uniqueSuffix();
  const call: Call = {
    id: `call_${suffix}`,
    customer_id: application.customer_id,
    application_id: application.id,
    provider_call_id: `0b6c6d2e-${suffix}-4c1a-9a57-5f0e3b1c2d3e`,
    status: 'in_progress',
    direction: 'inbound',
    from: '+15551230001',
    to: '+15551230002',
    created_at: '2026-11-24T10:00:00Z',
    recording_seq: 0,
    ...overrides,
  };
  await admin.putCall(call);
  return call;
}
