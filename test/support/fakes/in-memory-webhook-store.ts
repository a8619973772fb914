import type { WebhookStore } from '../../../shared/webhooks/ports.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/** In-memory {@link WebhookStore}: applications and delivery records in the shared state. */
export function createInMemoryWebhookStore(state: InMemoryState = createInMemoryState()): WebhookStore {
  return {
    async getApplication(applicationId) {
      const application = state.applications.get(applicationId);
      if (!application) return undefined;
      const { created_at: _created, ...rest } = copy(application);
      return rest;
    },
    async getDelivery(eventId) {
      const delivery = state.deliveries.get(eventId);
      return delivery && { status: delivery.status, attempts: delivery.attempt_count };
    },
    async recordAttempt(eventId, details, attempt, status) {
      const previous = state.deliveries.get(eventId);
      state.deliveries.set(eventId, {
        event_id: eventId,
        application_id: details.application_id,
        event_type: details.event_type,
        status,
        attempts: [...(previous?.attempts ?? []), copy(attempt)],
        attempt_count: (previous?.attempt_count ?? 0) + 1,
        first_attempt_at: previous?.first_attempt_at ?? attempt.at,
        last_attempt_at: attempt.at,
        last_status_code: attempt.status_code,
        ...(previous?.delivered_at ? { delivered_at: previous.delivered_at } : {}),
        ...(status === 'delivered' ? { delivered_at: attempt.at } : {}),
      });
    },
    async markEndpointGone(applicationId, webhookUrl, _at) {
      const application = state.applications.get(applicationId);
      // The customer set a new URL meanwhile: that one is not gone.
      if (application?.webhook_url === webhookUrl) application.webhook_status = 'gone';
    },
  };
}
