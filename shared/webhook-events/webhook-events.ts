import { InvalidRequestError } from '../kernel/api-error.ts';
import type { ParsedBody } from '../kernel/parsed-body.ts';
import { InvalidCursorError } from '../webhooks/ports.ts';
import { toEvent } from '../webhooks/redrive-parked.ts';
import type { DeliveryRecord } from '../webhooks/types.ts';
import { authorize } from './authorize.ts';
import { WebhookEventNotFoundError } from './errors.ts';
import type { WebhookEventsDeps } from './ports.ts';
import { parseCursor, parseLimit, parseSince, parseStatus, requireEventId } from './request-params.ts';
import {
  toDetail,
  toEndpointView,
  toSummary,
  type WebhookEndpointView,
  type WebhookEventDetail,
  type WebhookEventSummary,
} from './views.ts';

/**
 * `GET /v1/webhook-events?status=&limit=&cursor=`: the application's recent webhook events in one
 * status (`pending`, `delivered`, `failing`, `parked`), newest first, a page at a time. Records are kept
 * 30 days after their last attempt.
 */
export async function listWebhookEvents(
  input: {
    apiKey: string | undefined;
    status: string | undefined;
    limit: string | undefined;
    cursor: string | undefined;
  },
  deps: WebhookEventsDeps,
): Promise<{ data: WebhookEventSummary[]; next_cursor: string | null }> {
  const caller = await authorize(input.apiKey, deps);
  const status = parseStatus(input.status);
  const limit = parseLimit(input.limit);
  const cursor = parseCursor(input.cursor);
  try {
    const page = await deps.deliveries.listDeliveries(caller.application_id, status, {
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return { data: page.records.map(toSummary), next_cursor: page.cursor ?? null };
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new InvalidRequestError('cursor is not one this list gave');
    throw error;
  }
}

/** `GET /v1/webhook-events/{event_id}`: one event, its every attempt and its exact payload. */
export async function getWebhookEvent(
  input: { apiKey: string | undefined; eventId: string },
  deps: WebhookEventsDeps,
): Promise<WebhookEventDetail> {
  return toDetail(await ownedEvent(input, deps));
}

/**
 * `POST /v1/webhook-events/{event_id}/redeliver`: queues the event again, exactly as it was, whatever its
 * status (a delivered one is delivered again). It becomes `pending` (unless the sender was quicker and
 * has already recorded the redelivery's attempt, which then stands).
 */
export async function redeliverWebhookEvent(
  input: { apiKey: string | undefined; eventId: string },
  deps: WebhookEventsDeps,
): Promise<WebhookEventSummary> {
  const record = await ownedEvent(input, deps);
  const queued = await deps.queue.sendAll([toEvent(record)], { redelivery: true });
  if (queued < 1) throw new Error('the webhook queue did not take the redelivery');
  await deps.deliveries.markPending([record]);
  return { ...toSummary(record), status: 'pending', parked_reason: null };
}

/**
 * `POST /v1/webhook-events/redeliver` with `{"since": "<RFC 3339>"}`: queues again every parked event of
 * the application that happened since then. Accepted at once and worked through in the background.
 */
export async function redeliverParkedEvents(
  input: { apiKey: string | undefined; body: ParsedBody },
  deps: WebhookEventsDeps,
): Promise<{ since: string; status: 'accepted' }> {
  const caller = await authorize(input.apiKey, deps);
  if (!input.body.ok) throw input.body.error;
  const body = input.body.value as { since?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('request body must be a JSON object with "since"');
  }
  const since = parseSince(body.since);
  await deps.queue.requestRedrive({ application_id: caller.application_id, since });
  return { since, status: 'accepted' };
}

/** `GET /v1/webhook-endpoint`: the application's endpoint, and whether it fails or was disabled. */
export async function getWebhookEndpoint(
  input: { apiKey: string | undefined },
  deps: WebhookEventsDeps,
): Promise<WebhookEndpointView> {
  const caller = await authorize(input.apiKey, deps);
  const application = await deps.deliveries.getApplication(caller.application_id);
  if (!application) throw new Error(`application ${caller.application_id} of an active key is missing`);
  return toEndpointView(application, deps.clock.now());
}

/** An event of the caller's application; another's is answered exactly as a missing one. */
async function ownedEvent(
  input: { apiKey: string | undefined; eventId: string },
  deps: WebhookEventsDeps,
): Promise<DeliveryRecord> {
  const caller = await authorize(input.apiKey, deps);
  const eventId = requireEventId(input.eventId);
  const record = await deps.deliveries.getDelivery(eventId);
  if (!record || record.application_id !== caller.application_id) throw new WebhookEventNotFoundError();
  return record;
}
