import type { Application } from '../accounts/types.ts';
import type { ApprovedTarget } from './target-policy.ts';
import type { DeliveryAttempt, DeliveryEvent, DeliveryRecord, DeliveryStatus, OutboxEvent } from './types.ts';

/** A request to queue again an application's parked events (processed a page at a time). */
export interface RedriveRequest {
  application_id: string;
  /** Only events that happened at or after this (RFC 3339); absent: all parked. */
  since?: string;
  /** Where the previous page ended (opaque to callers). */
  cursor?: string;
}

/** The webhook queue: takes events for delivery, and redrive requests. */
export interface EventQueue {
  /**
   * Queues the events in order; resolves to how many of them (from the first) the queue took. The rest
   * are for the caller to send again. `redelivery` events are delivered even if delivered before.
   */
  sendAll(events: OutboxEvent[], options?: { redelivery?: boolean }): Promise<number>;
  /** Queues a redrive request (the sender works through it page by page). */
  requestRedrive(request: RedriveRequest): Promise<void>;
}

/** Postpones a received message: it reappears on the queue after `seconds` (the retry backoff). */
export interface MessageVisibility {
  delay(receiptHandle: string, seconds: number): Promise<void>;
}

/** Where a message that is not a webhook at all goes, for operators (the queue's dead-letter queue). */
export interface DeadLetters {
  send(message: { body: string | undefined; attributes: Record<string, string> }): Promise<void>;
}

/** A page cursor that is not one the store gave for this listing. */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this list gave');
    this.name = 'InvalidCursorError';
  }
}

/** A page of an application's deliveries in one status, newest first. */
export interface DeliveryPage {
  records: DeliveryRecord[];
  /** Where the next page starts; absent on the last page. */
  cursor: string | undefined;
}

/**
 * Persistence of webhook deliveries and endpoint health: applications (read, and their endpoint
 * state), one delivery record per event (every attempt, the status, the exact body).
 */
export interface WebhookStore {
  getApplication(applicationId: string): Promise<Application | undefined>;
  getDelivery(eventId: string): Promise<DeliveryRecord | undefined>;
  /**
   * Appends one attempt to the event's delivery record (created on the first, with the event's body)
   * and sets its status, in one write.
   */
  recordAttempt(
    event: DeliveryEvent,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    parkedReason?: string,
  ): Promise<void>;
  /**
   * Marks events queued again (`pending`), for a redelivery: each only if no attempt was recorded since
   * it was read (`attempt_count` as read), so that a redelivery the sender has already made wins.
   */
  markPending(
    events: Pick<DeliveryRecord, 'event_id' | 'application_id' | 'occurred_at' | 'attempt_count'>[],
  ): Promise<void>;
  /** An application's deliveries in one status, newest first (`since`: occurred at or after). */
  listDeliveries(
    applicationId: string,
    status: DeliveryStatus,
    page: { limit: number; cursor?: string; since?: string },
  ): Promise<DeliveryPage>;
  /** Marks the application's endpoint gone (410), unless its webhook_url changed meanwhile. */
  markEndpointGone(applicationId: string, webhookUrl: string, at: string): Promise<void>;
  /** Records that an attempt failed: keeps the first failure's time, and answers it. */
  markFailing(applicationId: string, webhookUrl: string, at: string): Promise<string>;
  /** Records that an attempt succeeded; true when the endpoint had been failing until now. */
  markRecovered(applicationId: string, webhookUrl: string): Promise<boolean>;
  /** Disables the endpoint (it failed for too long), unless its webhook_url changed meanwhile. */
  disableEndpoint(applicationId: string, webhookUrl: string, at: string, reason: string): Promise<void>;
}

/** The HTTP answer of a receiver. */
export interface TransportResponse {
  statusCode: number;
  retryAfter: string | undefined;
}

/** Thrown by the transport when no HTTP answer came: timeout, refused or reset connection, TLS failure. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network',
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Sends one POST to an approved target; follows no redirects. */
export interface WebhookTransport {
  post(
    target: ApprovedTarget,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<TransportResponse>;
}

/** Approves (or refuses with `TargetRefusedError`) a webhook URL before each attempt. */
export type TargetApprover = (url: string) => Promise<ApprovedTarget>;

/**
 * Seals webhook signing secrets for storage and opens them for signing. A sealed secret is bound to
 * its application: opened under another application id it fails, so a sealed value copied onto another
 * item is useless. Operators' tools seal (the admin CLI); only the webhook sender opens.
 */
export interface SecretSealer {
  /** The stored form of `secret` for this application: opaque, holding no trace of the secret. */
  seal(secret: string, applicationId: string): Promise<string>;
  /**
   * The secret a sealed value holds; SealedSecretError when it was not sealed for this application,
   * was altered, or is not sealed at all. Other failures (the key service unreachable, access denied)
   * are thrown as they come: they are for retrying or for an operator, not a property of the value.
   */
  open(sealed: string, applicationId: string): Promise<string>;
  /** Whether a stored value has the sealed form (false: a plaintext secret written by an earlier version). */
  isSealed(value: string): boolean;
}

/** The webhook-sender's view of {@link SecretSealer}: it opens, never seals. */
export type SecretOpener = Pick<SecretSealer, 'open' | 'isSealed'>;

/** A stored secret that cannot be opened for its application (altered, another application's, not sealed). */
export class SealedSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealedSecretError';
  }
}
