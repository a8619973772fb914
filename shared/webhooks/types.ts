/** Webhook event types emitted by this service. */
export type WebhookEventType =
  | 'recording.started'
  | 'recording.completed'
  | 'recording.failed'
  | 'recording.deleted';

/** A webhook event committed to the outbox together with the state change that caused it. */
export interface OutboxEvent {
  event_id: string;
  event_type: WebhookEventType;
  application_id: string;
  call_id: string;
  /** The envelope's `created_at` (RFC 3339, seconds, as the spec has it). */
  created_at: string;
  /** When it happened, to the millisecond (RFC 3339): orders events across recordings. */
  occurred_at: string;
  /** The exact webhook envelope JSON, delivered byte for byte. */
  body: string;
}

/**
 * Where an event's delivery stands: `pending` (queued, no attempt yet, or queued again), `delivered`,
 * `failing` (an attempt failed; it will be retried), `parked` (not delivered and not retried: kept with
 * its body until it is redelivered).
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'failing' | 'parked';

/** The statuses a customer can list events by. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failing', 'parked'];

/** One delivery attempt, as recorded for operators and customers. */
export interface DeliveryAttempt {
  at: string;
  /** HTTP status, or 0 when no response came (timeout, network error, refused target). */
  status_code: number;
  latency_ms: number;
  error?: string;
  outcome: 'delivered' | 'retry' | 'parked';
}

/** What identifies an event's delivery, and what redelivering it needs (its exact body). */
export interface DeliveryEvent {
  event_id: string;
  application_id: string;
  event_type: string;
  call_id: string | undefined;
  occurred_at: string;
  body: string;
}

/** An event's delivery record: its state, why it is parked, and every attempt. */
export interface DeliveryRecord extends DeliveryEvent {
  status: DeliveryStatus;
  parked_reason?: string;
  attempts: DeliveryAttempt[];
  attempt_count: number;
  first_attempt_at?: string;
  last_attempt_at?: string;
  last_status_code?: number;
  delivered_at?: string;
}
