import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Metrics } from '../kernel/metrics.ts';
import { toRfc3339Seconds } from '../kernel/time.ts';
import {
  type EventQueue,
  SealedSecretError,
  type SecretOpener,
  type TargetApprover,
  TransportError,
  type WebhookStore,
  type WebhookTransport,
} from './ports.ts';
import { parseRetryAfter, type RetryPolicy, retryDelaySeconds } from './retry-policy.ts';
import { secretsInForce, signWebhook, WEBHOOK_HEADERS } from './signature.ts';
import { TargetRefusedError } from './target-policy.ts';
import type { DeliveryAttempt, DeliveryEvent, DeliveryStatus } from './types.ts';
import type { WebhookMessage } from './webhook-message.ts';

/** Header carrying when the event happened, to the millisecond (not signed; `data.sequence` is). */
export const EVENT_TIME_HEADER = 'X-MiniVoice-Event-Time';

/** What the queue should do with the message. */
export type DeliveryOutcome =
  | { kind: 'done'; status: DeliveryStatus }
  | { kind: 'retry'; delaySeconds: number };

/** Ports and settings of {@link deliverWebhook}. */
export interface DeliverWebhookDeps {
  store: WebhookStore;
  /** Where the redrive of an application's parked events is requested when its endpoint recovers. */
  queue: EventQueue;
  transport: WebhookTransport;
  approveTarget: TargetApprover;
  /** Opens the application's sealed secrets to sign with (the sender alone may). */
  secrets: SecretOpener;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  settings: {
    timeoutMs: number;
    retry: RetryPolicy;
    userAgent: string;
    /** An endpoint failing continuously this long is disabled (its events parked until it is set again). */
    disableAfterMs: number;
    random?: () => number;
  };
}

/**
 * Delivers one webhook event to its application's endpoint, signed, and records the attempt (with the
 * event's exact body, so nothing is ever lost: an event that is not delivered is parked, visible to its
 * customer and operators, until it is redelivered).
 *
 * Steps:
 * 1. Already delivered (a duplicate from the queue or the stream) → nothing, unless asked to redeliver.
 * 2. Park what cannot succeed now: unknown application, no webhook_url, endpoint gone (410) or disabled,
 *    a URL the SSRF policy refuses.
 * 3. Open the sealed secrets in force. One stored in plaintext by an earlier version → retried with
 *    backoff (without blaming the endpoint) until an operator seals it; one that cannot be opened for
 *    this application (altered, another's) → parked until the webhook secret is set again; the key
 *    service failing → thrown, so the queue retries the message. Nothing is ever sent unsigned instead.
 * 4. POST the exact body with a fresh timestamp and a signature per secret in force; no redirects.
 * 5. 2xx → delivered; if the endpoint had been failing, request the redrive of what was parked.
 *    410 → the endpoint is gone, the event parked. Anything else → retry with backoff; park after the
 *    last attempt; and once the endpoint has failed for `disableAfterMs` straight, disable it.
 *
 * Metrics: every recorded attempt (`WebhookAttempts` by `outcome`: delivered, retry, parked), every park
 * (`WebhookEventsParked`), the receiver's answer time (`WebhookLatency` by `result`: 2xx…5xx, timeout,
 * network), and for a delivered event the time since it happened (`WebhookDeliveryAge`).
 */
export async function deliverWebhook(
  message: WebhookMessage,
  deps: DeliverWebhookDeps,
): Promise<DeliveryOutcome> {
  const { store, clock, settings } = deps;
  const [previous, application] = await Promise.all([
    store.getDelivery(message.eventId),
    store.getApplication(message.applicationId),
  ]);
  if (previous?.status === 'delivered' && !message.redelivery) return { kind: 'done', status: 'delivered' };

  const startedAt = clock.now();
  const event: DeliveryEvent = {
    event_id: message.eventId,
    application_id: message.applicationId,
    event_type: message.eventType,
    call_id: message.callId,
    occurred_at: message.occurredAt ?? previous?.occurred_at ?? startedAt.toISOString(),
    body: message.body,
  };
  const record = async (
    outcome: DeliveryAttempt['outcome'],
    statusCode: number,
    error?: string,
  ): Promise<DeliveryStatus> => {
    const attempt: DeliveryAttempt = {
      at: toRfc3339Seconds(startedAt),
      status_code: statusCode,
      latency_ms: clock.now().getTime() - startedAt.getTime(),
      ...(error ? { error } : {}),
      outcome,
    };
    const status: DeliveryStatus = outcome === 'retry' ? 'failing' : outcome;
    await store.recordAttempt(event, attempt, status, outcome === 'parked' ? error : undefined);
    deps.logger.info('webhook attempt', { event_id: message.eventId, ...attempt });
    deps.metrics.count('WebhookAttempts', 1, { outcome });
    if (outcome === 'parked') deps.metrics.count('WebhookEventsParked');
    if (outcome === 'delivered') {
      // From the event to its delivery: what a customer waits, retries included.
      deps.metrics.duration('WebhookDeliveryAge', clock.now().getTime() - Date.parse(event.occurred_at));
    }
    return status;
  };
  const park = async (reason: string, statusCode = 0): Promise<DeliveryOutcome> => ({
    kind: 'done',
    status: await record('parked', statusCode, reason),
  });

  if (!application) return park('the application does not exist');
  const url = application.webhook_url;
  if (!url) return park('the application has no webhook_url');
  if (application.webhook_status === 'gone') {
    return park('the endpoint answered 410 Gone earlier; set the webhook again to resume');
  }
  if (application.webhook_status === 'disabled') {
    return park(
      `the endpoint is disabled (${application.webhook_disabled_reason ?? 'failing'}); set the webhook again to resume`,
    );
  }

  const failed = async (statusCode: number, error: string, retryAfter?: string): Promise<DeliveryOutcome> => {
    const nowIso = clock.now().toISOString();
    const failingSince = await store.markFailing(application.id, url, nowIso);
    if (clock.now().getTime() - Date.parse(failingSince) >= settings.disableAfterMs) {
      const days = Math.round(settings.disableAfterMs / 86_400_000);
      const reason = `every attempt failed for ${days} days (last: ${error})`;
      await store.disableEndpoint(application.id, url, nowIso, reason);
      deps.metrics.count('WebhookEndpointsDisabled');
      deps.logger.error('webhook endpoint disabled', {
        application_id: application.id,
        failing_since: failingSince,
      });
      return park(`the endpoint was disabled: ${reason}`, statusCode);
    }
    if (message.receiveCount >= settings.retry.maxAttempts) {
      return park(`no attempt succeeded in ${settings.retry.maxAttempts} tries (last: ${error})`, statusCode);
    }
    await record('retry', statusCode, error);
    const waitFor = parseRetryAfter(retryAfter, clock.now().getTime());
    return {
      kind: 'retry',
      delaySeconds: retryDelaySeconds(message.receiveCount, settings.retry, waitFor, settings.random),
    };
  };

  /** Retries later without counting against the endpoint (the trouble is ours); parks after the last try. */
  const notYet = async (reason: string): Promise<DeliveryOutcome> => {
    if (message.receiveCount >= settings.retry.maxAttempts) return park(reason);
    await record('retry', 0, reason);
    return {
      kind: 'retry',
      delaySeconds: retryDelaySeconds(message.receiveCount, settings.retry, undefined, settings.random),
    };
  };

  let target: Awaited<ReturnType<TargetApprover>>;
  try {
    target = await deps.approveTarget(url);
  } catch (error) {
    if (error instanceof TargetRefusedError) return park(error.message);
    return failed(0, String((error as Error).message)); // DNS trouble is temporary
  }

  const sealed = secretsInForce(application, clock.now());
  if (sealed.some((value) => !deps.secrets.isSealed(value))) {
    deps.metrics.count('WebhookSecretsUnsealed');
    deps.logger.error('webhook secret stored in plaintext; run seal-webhook-secrets', {
      application_id: application.id,
    });
    return notYet('the webhook secret is not sealed yet (an operator runs seal-webhook-secrets)');
  }
  let secrets: string[];
  try {
    secrets = await Promise.all(sealed.map((value) => deps.secrets.open(value, application.id)));
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    deps.metrics.count('WebhookSecretsUnreadable');
    deps.logger.error('webhook secret cannot be decrypted', {
      application_id: application.id,
      error: error.message,
    });
    return park('the webhook secret cannot be decrypted; set the webhook secret again to resume');
  }

  const timestamp = Math.floor(clock.now().getTime() / 1000);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': settings.userAgent,
    [WEBHOOK_HEADERS.eventId]: message.eventId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [EVENT_TIME_HEADER]: event.occurred_at,
  };
  if (secrets.length > 0) {
    headers[WEBHOOK_HEADERS.signature] = signWebhook(secrets, timestamp, message.eventId, message.body);
  }

  let response: Awaited<ReturnType<WebhookTransport['post']>>;
  const postedAt = clock.now().getTime();
  try {
    response = await deps.transport.post(target, headers, message.body, settings.timeoutMs);
  } catch (error) {
    if (error instanceof TransportError) {
      deps.metrics.duration('WebhookLatency', clock.now().getTime() - postedAt, { result: error.kind });
      return failed(0, error.message);
    }
    throw error;
  }
  deps.metrics.duration('WebhookLatency', clock.now().getTime() - postedAt, {
    result: `${Math.floor(response.statusCode / 100)}xx`,
  });
  const { statusCode } = response;
  if (statusCode >= 200 && statusCode < 300) {
    await record('delivered', statusCode);
    if (await store.markRecovered(application.id, url)) {
      // It works again: what was parked while it failed goes out again, page by page.
      await deps.queue.requestRedrive({ application_id: application.id });
      deps.logger.info('webhook endpoint recovered; redelivering parked events', {
        application_id: application.id,
      });
    }
    return { kind: 'done', status: 'delivered' };
  }
  if (statusCode === 410) {
    await store.markEndpointGone(application.id, url, toRfc3339Seconds(clock.now()));
    return park('the endpoint answered 410 Gone; set the webhook again to resume', statusCode);
  }
  const reason = statusCode >= 300 && statusCode < 400 ? 'redirects are not followed' : `HTTP ${statusCode}`;
  return failed(statusCode, reason, response.retryAfter);
}
