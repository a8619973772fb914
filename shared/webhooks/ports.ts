import type { Application } from '../accounts/types.ts';
import type { ApprovedTarget } from './target-policy.ts';
import type { DeliveryAttempt, DeliveryStatus, OutboxEvent } from './types.ts';

/** The webhook queue: takes a committed event for delivery. */
export interface EventQueue {
  send(event: OutboxEvent): Promise<void>;
}

/**
 * The transactional outbox: each event is written in the same transaction as the state change that
 * caused it, and stays until the webhook sender (or the sweep, after re-queuing it) acknowledges it.
 */
export interface Outbox {
  /** Events created before `createdBefore` and not yet acknowledged, oldest first. */
  listPending(createdBefore: Date, limit: number): Promise<OutboxEvent[]>;
  /** Removes an event from the outbox: it has reached the queue's consumer (idempotent). */
  acknowledge(event: Pick<OutboxEvent, 'event_id' | 'call_id'>): Promise<void>;
}

/** Postpones a received message: it reappears on the queue after `seconds` (the retry backoff). */
export interface MessageVisibility {
  delay(receiptHandle: string, seconds: number): Promise<void>;
}

/** What the sender knows about an event's delivery so far. */
export interface DeliverySummary {
  status: DeliveryStatus;
  attempts: number;
}

/** Persistence for the webhook sender: applications (read) and delivery records (write). */
export interface WebhookStore {
  getApplication(applicationId: string): Promise<Application | undefined>;
  getDelivery(eventId: string): Promise<DeliverySummary | undefined>;
  /** Appends one attempt to the event's delivery record and sets its status, in one write. */
  recordAttempt(
    eventId: string,
    details: { application_id: string; event_type: string },
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
  ): Promise<void>;
  /** Marks the application's endpoint gone (410), unless its webhook_url changed meanwhile. */
  markEndpointGone(applicationId: string, webhookUrl: string, at: string): Promise<void>;
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
