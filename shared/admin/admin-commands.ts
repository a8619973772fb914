import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../accounts/api-key.ts';
import type { Application, Customer } from '../accounts/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { IdGenerator } from '../kernel/ids.ts';
import { toRfc3339Seconds } from '../kernel/time.ts';
import { isValidCallId } from '../recordings/call-rules.ts';
import { isValidMediaNodeName } from '../recordings/media-node.ts';
import { type Call, TERMINAL_CALL_STATUSES } from '../recordings/types.ts';
import type { EventQueue, SecretSealer } from '../webhooks/ports.ts';
import { AdminError } from './errors.ts';
import type { AdminStore, OutboxArchive, SecretReplacements } from './ports.ts';

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

/**
 * A webhook secret an operator typed, or a refusal: it must not look sealed (it would be stored as if
 * it were, and never sign) and must be long enough to resist guessing.
 */
function checkedSecret(secret: string, sealer: SecretSealer): string {
  if (sealer.isSealed(secret))
    throw new AdminError('the webhook secret looks like a sealed value; give the secret itself');
  if (secret.length < 16) throw new AdminError('the webhook secret must have at least 16 characters');
  return secret;
}

/**
 * Creates an active application of a customer, with an optional webhook URL and secret. The secret is
 * stored sealed (bound to the application); the answer shows it in clear, once, for the operator to hand
 * over.
 */
export async function createApplication(
  input: { customerId: string; webhookUrl?: string; webhookSecret?: string },
  deps: AdminDeps & { sealer: SecretSealer },
): Promise<
  Omit<Application, 'webhook_secret'> & { /** In clear: shown this once. */ webhook_secret?: string }
> {
  const id = deps.ids.next('app');
  const secret = input.webhookSecret ? checkedSecret(input.webhookSecret, deps.sealer) : undefined;
  const application: Application = {
    id,
    customer_id: input.customerId,
    status: 'active',
    ...(input.webhookUrl ? { webhook_url: input.webhookUrl, webhook_status: 'active' as const } : {}),
  };
  await deps.store.putApplication({
    ...application,
    ...(secret ? { webhook_secret: await deps.sealer.seal(secret, id) } : {}),
    created_at: toRfc3339Seconds(deps.clock.now()),
  });
  return { ...application, ...(secret ? { webhook_secret: secret } : {}) };
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

/**
 * Creates a call of an application (active unless a status is given), as call control does: with its
 * channel (`provider_call_id`) and the media server holding it (`media_node`), so that it records there.
 */
export async function createCall(
  input: {
    applicationId: string;
    id?: string;
    providerCallId?: string;
    /** The media server holding the channel (a name of the functions' `ESL_NODES`). */
    mediaNode?: string;
    status?: string;
    direction?: string;
    from?: string;
    to?: string;
  },
  deps: AdminDeps,
): Promise<Call> {
  if (input.mediaNode !== undefined && !isValidMediaNodeName(input.mediaNode)) {
    throw new AdminError(
      `--media-node ${input.mediaNode} must be 1-32 lower-case letters, digits or dashes (a name of ESL_NODES)`,
    );
  }
  const application = await deps.store.getApplication(input.applicationId);
  if (!application) throw new AdminError(`no application ${input.applicationId}`);
  const id = input.id ?? deps.ids.next('call');
  if (!isValidCallId(id)) throw new AdminError(`call id ${id} must be call_ followed by letters and digits`);
  const call: Call = {
    id,
    customer_id: application.customer_id,
    application_id: application.id,
    ...(input.providerCallId ? { provider_call_id: input.providerCallId } : {}),
    ...(input.mediaNode ? { media_node: input.mediaNode } : {}),
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
 * Rotates an application's webhook secret without losing a delivery: a new secret is generated, stored
 * sealed and returned once in clear; until `keepPreviousHours` from now every delivery is signed with
 * both (the receiver verifies with either), then only with the new one.
 */
export async function rotateWebhookSecret(
  input: { applicationId: string; keepPreviousHours: number },
  deps: Pick<AdminDeps, 'store' | 'clock'> & { sealer: SecretSealer },
): Promise<{ application_id: string; webhook_secret: string; previous_secret_expires_at: string }> {
  const hours = input.keepPreviousHours;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_ROTATION_HOURS) {
    throw new AdminError(`--keep-previous-hours must be a whole number from 1 to ${MAX_ROTATION_HOURS}`);
  }
  const secret = generateWebhookSecret();
  const expiresAt = new Date(deps.clock.now().getTime() + hours * 3_600_000).toISOString();
  const sealed = await deps.sealer.seal(secret, input.applicationId);
  await deps.store.rotateWebhookSecret(input.applicationId, sealed, expiresAt);
  return {
    application_id: input.applicationId,
    webhook_secret: secret,
    previous_secret_expires_at: expiresAt,
  };
}

/**
 * Sets an application's webhook URL (and secret, stored sealed, replacing the current one at once, when
 * given; shown in clear once in the answer). The endpoint becomes active again — gone or disabled no
 * more — and every event parked meanwhile is queued again, oldest page first, in the background.
 */
export async function setWebhook(
  input: { applicationId: string; url: string; secret: string | undefined },
  deps: Pick<AdminDeps, 'store'> & { queue: EventQueue; sealer: SecretSealer },
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
  const secret = input.secret ? checkedSecret(input.secret, deps.sealer) : undefined;
  const sealed = secret ? await deps.sealer.seal(secret, input.applicationId) : undefined;
  await deps.store.setWebhook(input.applicationId, input.url, sealed);
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

/**
 * Disables or enables an application, whatever its number of keys. First the application and the
 * limiter's copy of its status (its `RATE` item, which every authenticated request passes through)
 * change in one transaction. Then each key's own copy of the status follows, a page at a time.
 *
 * The two directions do not take effect alike, because a request is accepted only when both copies say
 * `active` (authentication reads the key's `application_status`, the limiter its `RATE` item):
 * disabling refuses every key at once, with the first transaction; enabling accepts a key again only
 * once its own copy is updated, so keys come back page by page and all of them once this returns. If
 * the copying stops part way (a crash, a timeout), running the command again finishes it.
 */
export async function setApplicationStatus(
  input: { applicationId: string; status: string },
  deps: Pick<AdminDeps, 'store'>,
): Promise<{ application_id: string; status: Application['status']; keys_updated: number }> {
  const { status } = input;
  if (status !== 'active' && status !== 'disabled')
    throw new AdminError('--status must be active or disabled');
  await deps.store.setApplicationStatus(input.applicationId, status);
  let updated = 0;
  for await (const count of deps.store.copyStatusToKeys(input.applicationId, status)) updated += count;
  return { application_id: input.applicationId, status, keys_updated: updated };
}

/** The secret attributes of an application item, current and rotated-out. */
const SECRET_FIELDS = ['webhook_secret', 'webhook_secret_previous'] as const;

/** What {@link sealWebhookSecrets} did. */
export interface SealReport {
  applications_scanned: number;
  /** Applications whose plaintext secrets are now sealed. */
  sealed: string[];
  /** Applications whose secrets were all sealed already. */
  already_sealed: number;
  /** Applications whose secrets changed while this ran (nothing written): run the command again. */
  changed_meanwhile: string[];
}

/**
 * The migration for secrets stored by earlier versions in plaintext: seals every plaintext
 * `webhook_secret` / `webhook_secret_previous` of every application in place, each write conditional on
 * the item still holding that plaintext (a secret set meanwhile is never overwritten). Idempotent: a
 * second run finds nothing to seal. The secrets are never printed.
 */
export async function sealWebhookSecrets(deps: {
  store: AdminStore;
  sealer: SecretSealer;
}): Promise<SealReport> {
  const report: SealReport = {
    applications_scanned: 0,
    sealed: [],
    already_sealed: 0,
    changed_meanwhile: [],
  };
  for await (const page of deps.store.listApplications()) {
    for (const application of page) {
      report.applications_scanned += 1;
      const plaintext = SECRET_FIELDS.flatMap((field) => {
        const value = application[field];
        return value !== undefined && !deps.sealer.isSealed(value) ? [[field, value] as const] : [];
      });
      if (plaintext.length === 0) {
        if (SECRET_FIELDS.some((field) => application[field] !== undefined)) report.already_sealed += 1;
        continue;
      }
      const changes = Object.fromEntries(
        await Promise.all(
          plaintext.map(async ([field, value]) => [
            field,
            { plaintext: value, sealed: await deps.sealer.seal(value, application.id) },
          ]),
        ),
      ) as SecretReplacements;
      if (await deps.store.sealStoredSecrets(application.id, changes)) report.sealed.push(application.id);
      else report.changed_meanwhile.push(application.id);
    }
  }
  return report;
}
