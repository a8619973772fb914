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
  created_at: string;
  /** The exact webhook envelope JSON, delivered byte for byte. */
  body: string;
}

/** Final or current state of one event's delivery. */
export type DeliveryStatus = 'pending' | 'delivered' | 'gone' | 'undeliverable' | 'dead_lettered';

/** One delivery attempt, as recorded for operators. */
export interface DeliveryAttempt {
  at: string;
  /** HTTP status, or 0 when no response came (timeout, network error, refused target). */
  status_code: number;
  latency_ms: number;
  error?: string;
  outcome: 'delivered' | 'retry' | 'gone' | 'undeliverable' | 'dead_lettered';
}

/** An event's delivery record: its state and every attempt, as operators read it. */
export interface DeliveryRecord {
  event_id: string;
  application_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  attempt_count: number;
  first_attempt_at: string;
  last_attempt_at: string;
  last_status_code: number;
  delivered_at?: string;
}
