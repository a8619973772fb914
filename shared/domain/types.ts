/** Recording statuses exposed by the API (see the recording object in the spec). */
export type RecordingStatus = 'started' | 'completed' | 'failed';

/** The recording object exactly as the API and webhooks show it. */
export interface Recording {
  id: string;
  call_id: string;
  customer_id: string;
  application_id: string;
  provider_call_id: string;
  status: RecordingStatus;
  storage_type: 'local';
  file_url: string;
  duration_seconds: number;
  size_bytes: number;
  created_at: string;
  updated_at: string;
}

/** Call statuses after which a call can no longer be recorded. */
export const TERMINAL_CALL_STATUSES = ['completed', 'failed', 'canceled', 'busy', 'no_answer'] as const;

/**
 * The in-flight or confirmed recording of a call, kept on the call item so that one read answers
 * "is something recording?". `starting`/`stopping` are claims held while the provider is called.
 */
export interface ActiveRecording {
  state: 'starting' | 'started' | 'stopping';
  recording_id: string;
  seq: number;
  /** Owner of a `starting`/`stopping` claim; only that request may commit or release it. */
  claim_id: string;
  /** Epoch milliseconds when the current claim was taken; a claim older than the lease may be taken over. */
  claimed_at: number;
  /** The stored recording once it is `started`. */
  recording?: Recording;
}

/** A phone call as the recordings service sees it. */
export interface Call {
  id: string;
  customer_id: string;
  application_id: string;
  provider_call_id?: string;
  status: string;
  direction: string;
  from: string;
  to: string;
  created_at: string;
  /** Number of recordings ever allocated for this call (drives `rec_<call_id>_<n>`). */
  recording_seq: number;
  active_recording?: ActiveRecording;
}

/** An API key as stored: only its SHA-256 hash, never the key. */
export interface ApiKey {
  key_hash: string;
  application_id: string;
  customer_id: string;
  status: 'active' | 'revoked';
  /** Copy of the owning application's status so that one read authenticates a request. */
  application_status: 'active' | 'disabled';
}

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

/** Webhook event types emitted by this service. */
export type WebhookEventType = 'recording.started' | 'recording.completed' | 'recording.failed';

/** What the provider reports about a finished recording. */
export interface RecordedMedia {
  file_url: string;
  duration_seconds: number;
  size_bytes: number;
}

/** An application: owner of API keys and calls, and where its webhooks go. */
export interface Application {
  id: string;
  customer_id: string;
  status: 'active' | 'disabled';
  webhook_url?: string;
  webhook_secret?: string;
  /** `gone` after the endpoint answered 410; setting a new webhook_url makes it `active` again. */
  webhook_status?: 'active' | 'gone';
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
