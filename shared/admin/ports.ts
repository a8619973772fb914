import type { Application, Customer, StoredApiKey } from '../accounts/types.ts';
import type { Call, Recording } from '../recordings/types.ts';
import type { DeliveryRecord, OutboxEvent } from '../webhooks/types.ts';

/** Persistence for operator commands. Writes that depend on another item check it in the same transaction. */
export interface AdminStore {
  putCustomer(customer: Customer): Promise<void>;
  /** Fails with AdminError if the customer does not exist. */
  putApplication(application: Application & { created_at: string }): Promise<void>;
  getApplication(applicationId: string): Promise<Application | undefined>;
  /** Stores a key, checking that its application exists and still has the status copied onto the key. */
  putApiKey(key: StoredApiKey): Promise<void>;
  /** Fails with AdminError if no key has this hash. */
  revokeApiKey(keyHash: string): Promise<void>;
  /**
   * Sets the webhook URL (and the sealed secret when given); the endpoint becomes active again (not gone,
   * not disabled).
   */
  setWebhook(applicationId: string, webhookUrl: string, sealedSecret: string | undefined): Promise<void>;
  /**
   * Changes an application's status and the rate limiter's copy of it (which every request of every key
   * passes), in one transaction: it is in force for all the application's keys at once. Fails with
   * AdminError if the application does not exist (then nothing is written).
   */
  setApplicationStatus(applicationId: string, status: Application['status']): Promise<void>;
  /**
   * Copies the application's status onto those of its keys that do not carry it yet, a page at a time,
   * each page written only while the application still has `status`; yields how many keys each page
   * updated. Fails with AdminError when the application's status changed meanwhile (the later change
   * copies its own). Stopped part way, it resumes where it stopped when run again.
   */
  copyStatusToKeys(applicationId: string, status: Application['status']): AsyncIterable<number>;
  /**
   * Replaces the sealed webhook secret, keeping the old one (signed with too) until `previousExpiresAt`;
   * fails with AdminError when the application has no secret.
   */
  rotateWebhookSecret(applicationId: string, sealedSecret: string, previousExpiresAt: string): Promise<void>;
  /** Every application, a page at a time (reads the whole table: for one-off operator jobs only). */
  listApplications(): AsyncIterable<Application[]>;
  /**
   * Replaces stored plaintext secrets with their sealed form, only if each still holds that plaintext;
   * false (nothing written) when the application changed meanwhile.
   */
  sealStoredSecrets(applicationId: string, replacements: SecretReplacements): Promise<boolean>;
  /** Sets how many days the application's completed recordings are kept (0: forever). */
  setRetention(applicationId: string, days: number): Promise<void>;
  /** Fails with AdminError if the application does not exist or the call id is taken. */
  putCall(call: Call): Promise<void>;
  getCall(callId: string): Promise<Call | undefined>;
  /** Moves an active call to a terminal status; fails with AdminError if it is unknown or already ended. */
  endCall(callId: string, status: string): Promise<void>;
  listRecordings(callId: string): Promise<Recording[]>;
  /** The webhook delivery record of an event: status, attempt count and every attempt. */
  getDelivery(eventId: string): Promise<DeliveryRecord | undefined>;
}

/** Plaintext secrets of an application item and what replaces each (its sealed form). */
export type SecretReplacements = Partial<
  Record<'webhook_secret' | 'webhook_secret_previous', { plaintext: string; sealed: string }>
>;

/** The outbox items still in the table (7 days), for replaying events the stream could not relay. */
export interface OutboxArchive {
  /** Events that happened between two times (ISO 8601 UTC with milliseconds, inclusive), page by page. */
  eventsBetween(since: string, until: string): AsyncIterable<OutboxEvent[]>;
}
