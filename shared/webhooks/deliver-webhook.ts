import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/logger.ts';
import { toRfc3339Seconds } from '../kernel/time.ts';
import {
  type Outbox,
  type TargetApprover,
  TransportError,
  type WebhookStore,
  type WebhookTransport,
} from './ports.ts';
import { parseRetryAfter, type RetryPolicy, retryDelaySeconds } from './retry-policy.ts';
import { signWebhook, WEBHOOK_HEADERS } from './signature.ts';
import { TargetRefusedError } from './target-policy.ts';
import type { DeliveryAttempt, DeliveryStatus } from './types.ts';
import type { MalformedWebhookMessage, ParsedWebhookMessage } from './webhook-message.ts';

/** What the queue should do with the message. */
export type DeliveryOutcome =
  | { kind: 'done'; status: DeliveryStatus }
  | { kind: 'retry'; delaySeconds: number };

/** Ports and settings of {@link deliverWebhook}. */
export interface DeliverWebhookDeps {
  store: WebhookStore;
  outbox: Outbox;
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
 * 0. A message that is not a webhook event is recorded as `undeliverable` and dropped.
 * 1. Acknowledge the event to the outbox; skip it if already delivered (the sweep may queue it twice).
 * 2. Park events that can never succeed: unknown application, no webhook_url, endpoint gone, refused URL.
 * 3. POST the exact body with fresh timestamp and signature; no redirects.
 * 4. 2xx → delivered; 410 → mark the endpoint gone and stop; anything else → retry with backoff, and
 *    after the last attempt let the queue move it to the dead-letter queue.
 */
export async function deliverWebhook(
  parsed: ParsedWebhookMessage,
  deps: DeliverWebhookDeps,
): Promise<DeliveryOutcome> {
  if (!parsed.ok) return dropMalformed(parsed.malformed, deps);
  const { message } = parsed;
  const { store, clock, settings } = deps;
  const details = { application_id: message.applicationId, event_type: message.eventType };
  // Independent round trips, so they run together.
  const [previous, application] = await Promise.all([
    store.getDelivery(message.eventId),
    store.getApplication(message.applicationId),
    message.callId
      ? deps.outbox.acknowledge({ call_id: message.callId, event_id: message.eventId })
      : undefined,
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

/** Records a message that can never be delivered, under its queue message id, and lets it go. */
async function dropMalformed(
  malformed: MalformedWebhookMessage,
  deps: DeliverWebhookDeps,
): Promise<DeliveryOutcome> {
  deps.logger.error('undeliverable webhook message', {
    message_id: malformed.messageId,
    reason: malformed.reason,
  });
  await deps.store.recordAttempt(
    `sqs:${malformed.messageId}`,
    { application_id: malformed.applicationId ?? 'unknown', event_type: 'unknown' },
    {
      at: toRfc3339Seconds(deps.clock.now()),
      status_code: 0,
      latency_ms: 0,
      error: malformed.reason,
      outcome: 'undeliverable',
    },
    'undeliverable',
  );
  return { kind: 'done', status: 'undeliverable' };
}
