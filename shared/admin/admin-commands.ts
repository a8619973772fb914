import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../accounts/api-key.ts';
import type { Application, Customer } from '../accounts/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { IdGenerator } from '../kernel/ids.ts';
import { toRfc3339Seconds } from '../kernel/time.ts';
import { isValidCallId } from '../recordings/call-rules.ts';
import { type Call, TERMINAL_CALL_STATUSES } from '../recordings/types.ts';
import type { EventQueue } from '../webhooks/ports.ts';
import { AdminError } from './errors.ts';
import type { AdminStore, OutboxArchive } from './ports.ts';

/** Ports of the operator commands. */
export interface AdminDeps {
  store: AdminStore;
  clock: Clock;
  ids: IdGenerator;
}

/** Creates a customer. */
export async function createCustomer(input: { name: string }, deps: AdminDeps): Promise<Customer> {
  const customer = {
    id: deps.ids.next('cust'),
    name: input.name,
    created_at: toRfc3339Seconds(deps.clock.now()),
  };
  await deps.store.putCustomer(customer);
  return customer;
}

/** A fresh webhook signing secret. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('hex')}`;
}

/** Creates an active application of a customer, with an optional webhook URL and secret. */
export async function createApplication(
  input: { customerId: string; webhookUrl?: string; webhookSecret?: string },
  deps: AdminDeps,
): Promise<Application> {
  const application: Application = {
    id: deps.ids.next('app'),
    customer_id: input.customerId,
    status: 'active',
    ...(input.webhookUrl ? { webhook_url: input.webhookUrl, webhook_status: 'active' as const } : {}),
    ...(input.webhookSecret ? { webhook_secret: input.webhookSecret } : {}),
  };
  await deps.store.putApplication({ ...application, created_at: toRfc3339Seconds(deps.clock.now()) });
  return application;
}

/** Creates an API key for an application. The key is returned once; only its hash is stored. */
export async function createApiKey(
  input: { applicationId: string; mode: 'live' | 'test' },
  deps: AdminDeps,
): Promise<{ api_key: string; key_prefix: string; application_id: string; customer_id: string }> {
  const application = await deps.store.getApplication(input.applicationId);
  if (!application) throw new AdminError(`no application ${input.applicationId}`);
  const key = `mv_${input.mode}_${randomBytes(20).toString('hex')}`;
  const keyPrefix = key.slice(0, 12);
  await deps.store.putApiKey({
    key_hash: hashApiKey(key),
    application_id: application.id,
    customer_id: application.customer_id,
    status: 'active',
    application_status: application.status,
    created_at: toRfc3339Seconds(deps.clock.now()),
    key_prefix: keyPrefix,
  });
  return {
    api_key: key,
    key_prefix: keyPrefix,
    application_id: application.id,
    customer_id: application.customer_id,
  };
}

/** Revokes a key (given in clear or as its SHA-256 hash); it fails authentication at once. */
export async function revokeApiKey(
  input: { key?: string; keyHash?: string },
  deps: AdminDeps,
): Promise<void> {
  const hash = input.keyHash ?? (input.key ? hashApiKey(input.key) : undefined);
  if (!hash) throw new AdminError('give the key or its hash');
  await deps.store.revokeApiKey(hash);
}

/** Creates a call of an application (active unless a status is given). */
export async function createCall(
  input: {
    applicationId: string;
    id?: string;
    providerCallId?: string;
    status?: string;
    direction?: string;
    from?: string;
    to?: string;
  },
  deps: AdminDeps,
): Promise<Call> {
  const application = await deps.store.getApplication(input.applicationId);
  if (!application) throw new AdminError(`no application ${input.applicationId}`);
  const id = input.id ?? deps.ids.next('call');
  if (!isValidCallId(id)) throw new AdminError(`call id ${id} must be call_ followed by letters and digits`);
  const call: Call = {
    id,
    customer_id: application.customer_id,
    application_id: application.id,
    ...(input.providerCallId ? { provider_call_id: input.providerCallId } : {}),
    status: input.status ?? 'in_progress',
    direction: input.direction ?? 'inbound',
    from: input.from ?? '+15551230001',
    to: input.to ?? '+15551230002',
    created_at: toRfc3339Seconds(deps.clock.now()),
    recording_seq: 0,
  };
  await deps.store.putCall(call);
  return call;
}

/** Ends a call with a terminal status (default `completed`). */
export async function endCall(input: { callId: string; status?: string }, deps: AdminDeps): Promise<void> {
  const status = input.status ?? 'completed';
  if (!(TERMINAL_CALL_STATUSES as readonly string[]).includes(status)) {
    throw new AdminError(`status must be one of ${TERMINAL_CALL_STATUSES.join(', ')}`);
  }
  await deps.store.endCall(input.callId, status);
}

/** The longest retention an operator may set: ten years. */
const MAX_RETENTION_DAYS = 3650;

/**
 * Sets how long an application's recordings are kept: `days` after a recording completes its audio is
 * purged (0 keeps it forever). It applies to recordings that complete from now on; each recording keeps
 * the purge date it was given when it completed.
 */
export async function setRetention(
  input: { applicationId: string; days: number },
  deps: Pick<AdminDeps, 'store'>,
): Promise<{ application_id: string; retention_days: number }> {
  if (!Number.isInteger(input.days) || input.days < 0 || input.days > MAX_RETENTION_DAYS) {
    throw new AdminError(`--days must be a whole number from 0 (keep forever) to ${MAX_RETENTION_DAYS}`);
  }
  await deps.store.setRetention(input.applicationId, input.days);
  return { application_id: input.applicationId, retention_days: input.days };
}

/** The longest a rotated-out secret may stay in force: a week. */
const MAX_ROTATION_HOURS = 168;

/**
 * Rotates an application's webhook secret without losing a delivery: a new secret is generated and
 * returned once; until `keepPreviousHours` from now every delivery is signed with both (the receiver
 * verifies with either), then only with the new one.
 */
export async function rotateWebhookSecret(
  input: { applicationId: string; keepPreviousHours: number },
  deps: Pick<AdminDeps, 'store' | 'clock'>,
): Promise<{ application_id: string; webhook_secret: string; previous_secret_expires_at: string }> {
  const hours = input.keepPreviousHours;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_ROTATION_HOURS) {
    throw new AdminError(`--keep-previous-hours must be a whole number from 1 to ${MAX_ROTATION_HOURS}`);
  }
  const secret = generateWebhookSecret();
  const expiresAt = new Date(deps.clock.now().getTime() + hours * 3_600_000).toISOString();
  await deps.store.rotateWebhookSecret(input.applicationId, secret, expiresAt);
  return {
    application_id: input.applicationId,
    webhook_secret: secret,
    previous_secret_expires_at: expiresAt,
  };
}

/**
 * Sets an application's webhook URL (and secret, replacing the current one at once, when given). The
 * endpoint becomes active again — gone or disabled no more — and every event parked meanwhile is queued
 * again, oldest page first, in the background.
 */
export async function setWebhook(
  input: { applicationId: string; url: string; secret: string | undefined },
  deps: Pick<AdminDeps, 'store'> & { queue: EventQueue },
): Promise<{
  application_id: string;
  webhook_url: string;
  webhook_secret?: string;
  parked_events: 'requeued';
}> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new AdminError(`--url is not a URL: ${input.url}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AdminError('--url must be http(s)');
  await deps.store.setWebhook(input.applicationId, input.url, input.secret);
  await deps.queue.requestRedrive({ application_id: input.applicationId });
  return {
    application_id: input.applicationId,
    webhook_url: input.url,
    ...(input.secret ? { webhook_secret: input.secret } : {}),
    parked_events: 'requeued',
  };
}

/**
 * Queues again every committed event of a time window, from the outbox items still in the table: the
 * recovery for events the table's stream could not hand to the relay (the outbox DLQ names the window).
 * Events already delivered are not delivered twice (the sender skips them); undelivered ones go out.
 */
export async function replayOutbox(
  input: { since: string; until: string },
  deps: { outbox: OutboxArchive; queue: EventQueue },
): Promise<{ since: string; until: string; queued: number }> {
  const [since, until] = [input.since, input.until].map((at, i) => {
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) throw new AdminError(`--${i === 0 ? 'since' : 'until'} must be an RFC 3339 time`);
    return new Date(ms).toISOString();
  }) as [string, string];
  if (since > until) throw new AdminError('--since must not be after --until');
  let queued = 0;
  for await (const events of deps.outbox.eventsBetween(since, until)) {
    const taken = await deps.queue.sendAll(events);
    queued += taken;
    if (taken < events.length)
      throw new AdminError(`the webhook queue took ${queued} events, then refused; run it again`);
  }
  return { since, until, queued };
}
