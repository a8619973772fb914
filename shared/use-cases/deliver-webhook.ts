import { toRfc3339Seconds } from '../domain/call-rules.ts';
import type { DeliveryAttempt, DeliveryStatus } from '../domain/types.ts';
import type { Clock, Logger } from '../ports.ts';
import { parseRetryAfter, type RetryPolicy, retryDelaySeconds } from '../webhooks/retry-policy.ts';
import { signWebhook, WEBHOOK_HEADERS } from '../webhooks/signature.ts';
import { TargetRefusedError } from '../webhooks/target-policy.ts';
import {
  type TargetApprover,
  TransportError,
  type WebhookStore,
  type WebhookTransport,
} from '../webhooks/webhook-ports.ts';

/** One queued webhook event, as the SQS adapter extracts it. */
export interface WebhookMessage {
  eventId: string;
  eventType: string;
  applicationId: string;
  /** The call whose outbox holds the event (absent on messages not queued by the recordings service). */
  callId: string | undefined;
  /** The exact envelope bytes to deliver. */
  body: string;
  /** How many times the queue has handed this message out (1 on the first attempt). */
  receiveCount: number;
}

/** What the queue should do with the message. */
export type DeliveryOutcome =
  | { kind: 'done'; status: DeliveryStatus }
  | { kind: 'retry'; delaySeconds: number };

/** Ports and settings of {@link deliverWebhook}. */
export interface DeliverWebhookDeps {
  store: WebhookStore;
  transport: WebhookTransport;
  approveTarget: TargetApprover;
  clock: Clock;
  logger: Logger;
  settings: { timeoutMs: number; retry: RetryPolicy; userAgent: string; random?: () => number };
}

/**
 * Delivers one webhook event to its application's endpoint, signed, and records the attempt.
 *
 * Steps:
 * 1. Acknowledge the event to the outbox; skip it if already delivered (the sweep may queue it twice).
 * 2. Park events that can never succeed: unknown application, no webhook_url, endpoint gone, refused URL.
 * 3. POST the exact body with fresh timestamp and signature; no redirects.
 * 4. 2xx → delivered; 410 → mark the endpoint gone and stop; anything else → retry with backoff, and
 *    after the last attempt let the queue move it to the dead-letter queue.
 */
export async function deliverWebhook(
  message: WebhookMessage,
  deps: DeliverWebhookDeps,
): Promise<DeliveryOutcome> {
  const { store, clock, settings } = deps;
  const details = { application_id: message.applicationId, event_type: message.eventType };
  // Independent round trips, so they run together.
  const [previous, application] = await Promise.all([
    store.getDelivery(message.eventId),
    store.getApplication(message.applicationId),
    message.callId ? store.acknowledgeEvent(message.callId, message.eventId) : undefined,
  ]);
  if (previous?.status === 'delivered') return { kind: 'done', status: 'delivered' };

  const startedAt = clock.now();
  const record = async (outcome: DeliveryAttempt['outcome'], statusCode: number, error?: string) => {
    const attempt: DeliveryAttempt = {
      at: toRfc3339Seconds(startedAt),
      status_code: statusCode,
      latency_ms: clock.now().getTime() - startedAt.getTime(),
      ...(error ? { error } : {}),
      outcome,
    };
    const status: DeliveryStatus = outcome === 'retry' ? 'pending' : outcome;
    await store.recordAttempt(message.eventId, details, attempt, status);
    deps.logger.info('webhook attempt', { event_id: message.eventId, ...attempt });
  };
  const park = async (error: string): Promise<DeliveryOutcome> => {
    await record('undeliverable', 0, error);
    return { kind: 'done', status: 'undeliverable' };
  };
  const retry = async (
    statusCode: number,
    error: string | undefined,
    retryAfter?: string,
  ): Promise<DeliveryOutcome> => {
    const last = message.receiveCount >= settings.retry.maxAttempts;
    await record(last ? 'dead_lettered' : 'retry', statusCode, error);
    if (last) return { kind: 'retry', delaySeconds: 0 }; // the queue's redrive policy moves it to the DLQ
    const waitFor = parseRetryAfter(retryAfter, clock.now().getTime());
    return {
      kind: 'retry',
      delaySeconds: retryDelaySeconds(message.receiveCount, settings.retry, waitFor, settings.random),
    };
  };

  if (!application) return park('application not found');
  if (!application.webhook_url) return park('application has no webhook_url');
  if (application.webhook_status === 'gone') return park('endpoint answered 410 Gone earlier');

  let target: Awaited<ReturnType<TargetApprover>>;
  try {
    target = await deps.approveTarget(application.webhook_url);
  } catch (error) {
    if (error instanceof TargetRefusedError) return park(error.message);
    return retry(0, String((error as Error).message)); // DNS trouble is temporary
  }

  const timestamp = Math.floor(clock.now().getTime() / 1000);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': settings.userAgent,
    [WEBHOOK_HEADERS.eventId]: message.eventId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
  };
  if (application.webhook_secret) {
    headers[WEBHOOK_HEADERS.signature] = signWebhook(application.webhook_secret, timestamp, message.body);
  }

  let response: Awaited<ReturnType<WebhookTransport['post']>>;
  try {
    response = await deps.transport.post(target, headers, message.body, settings.timeoutMs);
  } catch (error) {
    if (error instanceof TransportError) return retry(0, error.message);
    throw error;
  }
  const { statusCode } = response;
  if (statusCode >= 200 && statusCode < 300) {
    await record('delivered', statusCode);
    return { kind: 'done', status: 'delivered' };
  }
  if (statusCode === 410) {
    await record('gone', statusCode, 'endpoint answered 410 Gone');
    await store.markEndpointGone(application.id, application.webhook_url, toRfc3339Seconds(clock.now()));
    return { kind: 'done', status: 'gone' };
  }
  const reason = statusCode >= 300 && statusCode < 400 ? 'redirects are not followed' : `HTTP ${statusCode}`;
  return retry(statusCode, reason, response.retryAfter);
}
