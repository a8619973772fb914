import type { Application, DeliveryAttempt, DeliveryStatus } from '../domain/types.ts';
import type { ApprovedTarget } from './target-policy.ts';

/** What the sender knows about an event's delivery so far. */
export interface DeliverySummary {
  status: DeliveryStatus;
  attempts: number;
}

/** Persistence for the webhook sender: applications (read) and delivery records (write). */
export interface WebhookStore {
  getApplication(applicationId: string): Promise<Application | undefined>;
  getDelivery(eventId: string): Promise<DeliverySummary | undefined>;
  /** Removes the event from the recordings outbox: it has reached the sender (idempotent). */
  acknowledgeEvent(callId: string, eventId: string): Promise<void>;
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
