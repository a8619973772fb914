import type { ApiKey, Application } from '../../accounts/types.ts';
import type { StoredRecording } from '../../archive/types.ts';
import type { Call, Recording, RecordingEnding } from '../../recordings/types.ts';
import type { DeliveryRecord, OutboxEvent } from '../../webhooks/types.ts';
import { GSI1, GSI2, keys, OUTBOX_ITEM_TYPE, purgeIndexKeys, TTL_ATTRIBUTE } from './table-schema.ts';

type Item = Record<string, unknown>;

// Item attributes that address the item rather than describe the entity.
const ADDRESS_ATTRIBUTES = [
  'pk',
  'sk',
  'type',
  GSI1.partition,
  GSI1.sort,
  GSI2.partition,
  GSI2.sort,
] as const;

function withoutAddress(item: Item): Item {
  const rest = { ...item };
  for (const name of ADDRESS_ATTRIBUTES) delete rest[name];
  return rest;
}

/** Call item ↔ domain call; a call with a channel is findable by it (GSI2). */
export function toCallItem(call: Call): Item {
  return {
    ...keys.call(call.id),
    type: 'call',
    ...(call.provider_call_id ? keys.channel(call.provider_call_id, call.id) : {}),
    ...call,
  };
}

/** Domain call from its item. */
export function fromCallItem(item: Item): Call {
  const call = withoutAddress(item) as unknown as Call;
  const active = call.active_recording;
  return {
    ...call,
    recording_seq: call.recording_seq ?? 0,
    // DynamoDB maps do not keep key order; rebuild the recording so answers list fields in spec order.
    ...(active?.recording
      ? { active_recording: { ...active, recording: fromRecordingItem(active.recording as unknown as Item) } }
      : {}),
  };
}

/** Application item. */
export function toApplicationItem(application: Application & { created_at: string }): Item {
  return { ...keys.application(application.id), type: 'application', ...application };
}

/** The named attributes that are present on the item (absent ones stay absent, not `undefined`). */
function optionalStrings<K extends string>(
  item: Partial<Record<K, unknown>>,
  names: K[],
): Partial<Record<K, string>> {
  const present: Partial<Record<K, string>> = {};
  for (const name of names) if (item[name] !== undefined) present[name] = String(item[name]);
  return present;
}

/** Domain application from its item (only the application's own fields). */
export function fromApplicationItem(item: Item): Application {
  const a = item as unknown as Application;
  return {
    id: a.id,
    customer_id: a.customer_id,
    status: a.status,
    ...(a.webhook_url !== undefined ? { webhook_url: a.webhook_url } : {}),
    ...(a.webhook_secret !== undefined ? { webhook_secret: a.webhook_secret } : {}),
    ...(a.webhook_status !== undefined ? { webhook_status: a.webhook_status } : {}),
    ...optionalStrings(a, [
      'webhook_secret_previous',
      'webhook_secret_previous_expires_at',
      'webhook_failing_since',
      'webhook_disabled_at',
      'webhook_disabled_reason',
    ]),
    ...(a.retention_days !== undefined ? { retention_days: a.retention_days } : {}),
  };
}

/** API key item: addressed by the key's hash, listed per application through GSI1. */
export function toApiKeyItem(apiKey: ApiKey & { created_at: string; key_prefix: string }): Item {
  return {
    ...keys.apiKey(apiKey.key_hash),
    type: 'api_key',
    [GSI1.partition]: `APP#${apiKey.application_id}#KEYS`,
    [GSI1.sort]: `KEY#${apiKey.key_hash}`,
    ...apiKey,
  };
}

/** Domain API key from its item. */
export function fromApiKeyItem(item: Item): ApiKey {
  return {
    key_hash: String(item.key_hash),
    application_id: String(item.application_id),
    customer_id: String(item.customer_id),
    status: item.status === 'active' ? 'active' : 'revoked',
    application_status: item.application_status === 'active' ? 'active' : 'disabled',
  };
}

/**
 * Recording item, stored in its call's partition so a call's recordings are one query. How it ended
 * (`end_reason` / `failure_reason`) is kept beside the API object, for operators and later events; a
 * recording whose audio is to be purged is listed by when (`purge_at`, GSI1 `PURGE`).
 */
export function toRecordingItem(
  recording: Recording,
  seq: number,
  ending?: RecordingEnding,
  purgeAt?: number,
): Item {
  return {
    ...keys.recording(recording.call_id, seq),
    type: 'recording',
    seq,
    ...recording,
    ...ending,
    ...(purgeAt !== undefined
      ? { purge_at: purgeAt, ...purgeIndexKeys(purgeAt, recording.call_id, seq) }
      : {}),
  };
}

/** A recording item as the archive sees it: the API object and what only the service knows. */
export function fromStoredRecordingItem(item: Item): StoredRecording {
  const ending: RecordingEnding | undefined =
    typeof item.end_reason === 'string'
      ? { end_reason: item.end_reason as never }
      : typeof item.failure_reason === 'string'
        ? { failure_reason: item.failure_reason as never }
        : undefined;
  return {
    recording: fromRecordingItem(item),
    seq: Number(item.seq),
    ending,
    purgeAt: typeof item.purge_at === 'number' ? item.purge_at : undefined,
  };
}

/** Domain recording from its item (only the spec's fields, in the spec's order). */
export function fromRecordingItem(item: Item): Recording {
  const r = item as unknown as Recording;
  return {
    id: r.id,
    call_id: r.call_id,
    customer_id: r.customer_id,
    application_id: r.application_id,
    provider_call_id: r.provider_call_id,
    status: r.status,
    storage_type: r.storage_type,
    file_url: r.file_url,
    duration_seconds: r.duration_seconds,
    size_bytes: r.size_bytes,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** How long an outbox item stays after it was written: the stream carries it at once; this is slack. */
const OUTBOX_ITEM_DAYS = 7;

/**
 * Outbox item: lives in the call's partition, written in the same transaction as the state change. The
 * table's stream hands it to the outbox relay (no index, no polling); TTL removes it a week later.
 */
export function toOutboxItem(event: OutboxEvent): Item {
  return {
    ...keys.outboxEvent(event.call_id, event.event_id),
    type: OUTBOX_ITEM_TYPE,
    ...event,
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(event.occurred_at) / 1000) + OUTBOX_ITEM_DAYS * 86_400,
  };
}

/** Domain outbox event from its item. */
export function fromOutboxItem(item: Item): OutboxEvent {
  const e = item as unknown as OutboxEvent;
  return {
    event_id: e.event_id,
    event_type: e.event_type,
    application_id: e.application_id,
    call_id: e.call_id,
    created_at: e.created_at,
    occurred_at: e.occurred_at ?? e.created_at,
    body: e.body,
  };
}

/** Delivery record from its item (only the record's fields, in a fixed order). */
export function fromDeliveryItem(item: Item): DeliveryRecord {
  const d = item as unknown as DeliveryRecord;
  return {
    event_id: d.event_id,
    application_id: d.application_id,
    event_type: d.event_type,
    call_id: d.call_id,
    occurred_at: d.occurred_at,
    body: d.body,
    status: d.status,
    ...(d.parked_reason ? { parked_reason: d.parked_reason } : {}),
    attempts: d.attempts ?? [],
    attempt_count: Number(d.attempt_count ?? 0),
    ...(d.first_attempt_at ? { first_attempt_at: d.first_attempt_at } : {}),
    ...(d.last_attempt_at ? { last_attempt_at: d.last_attempt_at } : {}),
    ...(d.last_status_code !== undefined ? { last_status_code: Number(d.last_status_code) } : {}),
    ...(d.delivered_at ? { delivered_at: d.delivered_at } : {}),
  };
}
