import type { Application, Customer, StoredApiKey } from '../../../shared/accounts/types.ts';
import type { Call, Recording, RecordingEnding } from '../../../shared/recordings/types.ts';
import type { DeliveryRecord, OutboxEvent } from '../../../shared/webhooks/types.ts';

/**
 * The in-memory stand-in for the single table: every fake store reads and writes these maps, so an
 * event committed by the recording store is what the outbox lists, as in DynamoDB.
 */
export function createInMemoryState() {
  return {
    customers: new Map<string, Customer>(),
    applications: new Map<string, Application & { created_at?: string }>(),
    /** By key hash. */
    apiKeys: new Map<string, StoredApiKey | Omit<StoredApiKey, 'created_at' | 'key_prefix'>>(),
    calls: new Map<string, Call>(),
    /** By recording id. */
    recordings: new Map<string, Recording>(),
    /** How each ended recording ended, by recording id. */
    endings: new Map<string, RecordingEnding>(),
    /** When each recording's audio is due to be purged (epoch ms), by recording id. */
    purges: new Map<string, number>(),
    /** By event id. */
    outbox: new Map<string, OutboxEvent>(),
    /** By event id. */
    deliveries: new Map<string, DeliveryRecord>(),
    /** Request allowances by application id (the `RATE#` items): GCRA's `tat`, and a disable's mark. */
    rates: new Map<string, { tat?: number; application_status?: 'active' | 'disabled' }>(),
  };
}

/** The fakes' shared state. */
export type InMemoryState = ReturnType<typeof createInMemoryState>;

/** Deep copy, so callers never hold a reference into the "table". */
export const copy = <T>(value: T): T => structuredClone(value);
