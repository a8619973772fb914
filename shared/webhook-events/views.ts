import type { Application } from '../accounts/types.ts';
import type { DeliveryAttempt, DeliveryRecord, DeliveryStatus } from '../webhooks/types.ts';

/** A webhook event as a customer sees it in a list. */
export interface WebhookEventSummary {
  id: string;
  event_type: string;
  status: DeliveryStatus;
  /** When it happened, to the millisecond. */
  occurred_at: string;
  call_id: string | null;
  attempt_count: number;
  last_attempt_at: string | null;
  last_status_code: number | null;
  delivered_at: string | null;
  /** Why it is parked (only when `status` is `parked`). */
  parked_reason: string | null;
}

/** One webhook event in full: its attempts and the exact payload delivered. */
export type WebhookEventDetail = WebhookEventSummary & {
  attempts: DeliveryAttempt[];
  payload: unknown;
};

/** The application's webhook endpoint, as its customer sees it. */
export interface WebhookEndpointView {
  url: string | null;
  /** `active`; `failing` (attempts fail, retried); `disabled` or `gone` (events parked until set again). */
  status: 'active' | 'failing' | 'disabled' | 'gone';
  failing_since: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  /** During a secret rotation: until when deliveries are also signed with the previous secret. */
  previous_secret_expires_at: string | null;
}

/** A delivery record as a list entry. */
export function toSummary(record: DeliveryRecord): WebhookEventSummary {
  return {
    id: record.event_id,
    event_type: record.event_type,
    status: record.status,
    occurred_at: record.occurred_at,
    call_id: record.call_id ?? null,
    attempt_count: record.attempt_count,
    last_attempt_at: record.last_attempt_at ?? null,
    last_status_code: record.last_status_code ?? null,
    delivered_at: record.delivered_at ?? null,
    parked_reason: record.status === 'parked' ? (record.parked_reason ?? null) : null,
  };
}

/** A delivery record in full. */
export function toDetail(record: DeliveryRecord): WebhookEventDetail {
  return { ...toSummary(record), attempts: record.attempts, payload: JSON.parse(record.body) };
}

/** The endpoint of an application (no secret is ever shown). */
export function toEndpointView(application: Application, now: Date): WebhookEndpointView {
  const status =
    application.webhook_status === 'gone' || application.webhook_status === 'disabled'
      ? application.webhook_status
      : application.webhook_failing_since
        ? 'failing'
        : 'active';
  const rotating =
    application.webhook_secret_previous_expires_at &&
    Date.parse(application.webhook_secret_previous_expires_at) > now.getTime()
      ? application.webhook_secret_previous_expires_at
      : null;
  return {
    url: application.webhook_url ?? null,
    status,
    failing_since: application.webhook_failing_since ?? null,
    disabled_at: application.webhook_disabled_at ?? null,
    disabled_reason: application.webhook_disabled_reason ?? null,
    previous_secret_expires_at: rotating,
  };
}
