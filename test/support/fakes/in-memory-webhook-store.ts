import { InvalidCursorError, type WebhookStore } from '../../../shared/webhooks/ports.ts';
import type { DeliveryRecord } from '../../../shared/webhooks/types.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/** Where a record sits in a listing. */
type Position = Pick<DeliveryRecord, 'occurred_at' | 'event_id'>;

/** Newest first by when the event happened, then by id: the order of the DynamoDB index. */
function newestFirst(a: Position, b: Position): number {
  const byTime = Date.parse(b.occurred_at) - Date.parse(a.occurred_at);
  return byTime !== 0 ? byTime : b.event_id.localeCompare(a.event_id);
}

/** A page cursor: the listing it belongs to and the position of the page's last record. */
function encodeCursor(partition: string, last: Position): string {
  const position = { partition, occurred_at: last.occurred_at, event_id: last.event_id };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string, partition: string): Position {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      key.partition === partition &&
      typeof key.event_id === 'string' &&
      typeof key.occurred_at === 'string'
    ) {
      return { occurred_at: key.occurred_at, event_id: key.event_id };
    }
  } catch {
    // falls through
  }
  throw new InvalidCursorError();
}

/** In-memory {@link WebhookStore}: applications and delivery records in the shared state. */
export function createInMemoryWebhookStore(state: InMemoryState = createInMemoryState()): WebhookStore {
  /** The application, only while its endpoint is still `webhookUrl`. */
  const applicationAt = (applicationId: string, webhookUrl: string) => {
    const application = state.applications.get(applicationId);
    return application?.webhook_url === webhookUrl ? application : undefined;
  };

  return {
    async getApplication(applicationId) {
      const application = state.applications.get(applicationId);
      if (!application) return undefined;
      const { created_at: _created, ...rest } = copy(application);
      return rest;
    },

    async getDelivery(eventId) {
      const delivery = state.deliveries.get(eventId);
      return delivery && copy(delivery);
    },

    async recordAttempt(event, attempt, status, parkedReason) {
      const previous = state.deliveries.get(event.event_id);
      const record: DeliveryRecord = {
        event_id: event.event_id,
        application_id: event.application_id,
        event_type: event.event_type,
        call_id: event.call_id,
        occurred_at: event.occurred_at,
        body: event.body,
        status,
        ...(parkedReason ? { parked_reason: parkedReason } : {}),
        attempts: [...(previous?.attempts ?? []), copy(attempt)],
        attempt_count: (previous?.attempt_count ?? 0) + 1,
        first_attempt_at: previous?.first_attempt_at ?? attempt.at,
        last_attempt_at: attempt.at,
        last_status_code: attempt.status_code,
        ...(previous?.delivered_at ? { delivered_at: previous.delivered_at } : {}),
        ...(status === 'delivered' ? { delivered_at: attempt.at } : {}),
      };
      state.deliveries.set(event.event_id, record);
    },

    async markPending(events) {
      for (const event of events) {
        const delivery = state.deliveries.get(event.event_id);
        if (delivery?.attempt_count !== event.attempt_count) continue; // an attempt came in between
        delivery.status = 'pending';
        delete delivery.parked_reason;
      }
    },

    async listDeliveries(applicationId, status, page) {
      const partition = `${applicationId}#${status}`;
      const since = page.since ? Date.parse(page.since) : undefined;
      const matching = [...state.deliveries.values()]
        .filter((d) => d.application_id === applicationId && d.status === status)
        .filter((d) => since === undefined || Date.parse(d.occurred_at) >= since)
        .sort(newestFirst);
      // Like the index: the page goes on after the cursor's position, whether or not that record moved.
      const after = page.cursor ? decodeCursor(page.cursor, partition) : undefined;
      const rest = after ? matching.filter((d) => newestFirst(d, after) > 0) : matching;
      const records = rest.slice(0, page.limit);
      const last = records.at(-1);
      return {
        records: records.map((d) => copy(d)),
        cursor: last && rest.length > page.limit ? encodeCursor(partition, last) : undefined,
      };
    },

    async markEndpointGone(applicationId, webhookUrl, at) {
      // The customer set a new URL meanwhile: that one is not gone.
      const application = applicationAt(applicationId, webhookUrl);
      if (!application) return;
      Object.assign(application, {
        webhook_status: 'gone',
        webhook_disabled_at: at,
        webhook_disabled_reason: 'the endpoint answered 410 Gone',
      });
    },

    async markFailing(applicationId, webhookUrl, at) {
      const application = applicationAt(applicationId, webhookUrl);
      if (!application) return at;
      application.webhook_failing_since ??= at;
      return application.webhook_failing_since;
    },

    async markRecovered(applicationId, webhookUrl) {
      const application = applicationAt(applicationId, webhookUrl);
      if (!application?.webhook_failing_since) return false;
      delete application.webhook_failing_since;
      return true;
    },

    async disableEndpoint(applicationId, webhookUrl, at, reason) {
      const application = applicationAt(applicationId, webhookUrl);
      if (!application || (application.webhook_status ?? 'active') !== 'active') return;
      Object.assign(application, {
        webhook_status: 'disabled',
        webhook_disabled_at: at,
        webhook_disabled_reason: reason,
      });
    },
  };
}
