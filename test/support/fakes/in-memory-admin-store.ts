import { AdminError } from '../../../shared/admin/errors.ts';
import type { AdminStore } from '../../../shared/admin/ports.ts';
import { isCallActive } from '../../../shared/recordings/call-rules.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/** In-memory {@link AdminStore} with the DynamoDB adapter's checks (parents exist, no overwrite). */
export function createInMemoryAdminStore(state: InMemoryState = createInMemoryState()): AdminStore {
  return {
    async putCustomer(customer) {
      if (state.customers.has(customer.id)) throw new AdminError(`customer ${customer.id} exists`);
      state.customers.set(customer.id, copy(customer));
    },
    async putApplication(application) {
      if (!state.customers.has(application.customer_id) || state.applications.has(application.id)) {
        throw new AdminError(`no customer ${application.customer_id}`);
      }
      state.applications.set(application.id, copy(application));
    },
    async getApplication(applicationId) {
      const application = state.applications.get(applicationId);
      if (!application) return undefined;
      const { created_at: _created, ...rest } = copy(application);
      return rest;
    },
    async putApiKey(key) {
      const application = state.applications.get(key.application_id);
      if (application?.status !== key.application_status || state.apiKeys.has(key.key_hash)) {
        throw new AdminError(
          `application ${key.application_id} changed while the key was created; try again`,
        );
      }
      state.apiKeys.set(key.key_hash, copy(key));
    },
    async revokeApiKey(keyHash) {
      const key = state.apiKeys.get(keyHash);
      if (!key) throw new AdminError('no such API key');
      key.status = 'revoked';
    },
    async setWebhook(applicationId, webhookUrl, webhookSecret) {
      const application = state.applications.get(applicationId);
      if (!application) throw new AdminError(`no application ${applicationId}`);
      Object.assign(application, {
        webhook_url: webhookUrl,
        webhook_status: 'active',
        ...(webhookSecret ? { webhook_secret: webhookSecret } : {}),
      });
      delete application.webhook_failing_since;
      delete application.webhook_disabled_at;
      delete application.webhook_disabled_reason;
      if (webhookSecret) {
        delete application.webhook_secret_previous;
        delete application.webhook_secret_previous_expires_at;
      }
    },
    async rotateWebhookSecret(applicationId, secret, previousExpiresAt) {
      const application = state.applications.get(applicationId);
      if (!application?.webhook_secret) {
        throw new AdminError(`no application ${applicationId} with a webhook secret to rotate`);
      }
      Object.assign(application, {
        webhook_secret_previous: application.webhook_secret,
        webhook_secret: secret,
        webhook_secret_previous_expires_at: previousExpiresAt,
      });
    },
    async setRetention(applicationId, days) {
      const application = state.applications.get(applicationId);
      if (!application) throw new AdminError(`no application ${applicationId}`);
      application.retention_days = days;
    },
    async setApplicationStatus(applicationId, status) {
      const application = state.applications.get(applicationId);
      if (!application) throw new AdminError(`no application ${applicationId}`);
      application.status = status;
      for (const key of state.apiKeys.values()) {
        if (key.application_id === applicationId) key.application_status = status;
      }
    },
    async putCall(call) {
      if (!state.applications.has(call.application_id) || state.calls.has(call.id)) {
        throw new AdminError(`no application ${call.application_id}, or call ${call.id} exists`);
      }
      state.calls.set(call.id, copy(call));
    },
    async getCall(callId) {
      return copy(state.calls.get(callId));
    },
    async endCall(callId, status) {
      const call = state.calls.get(callId);
      if (!call || !isCallActive(call)) throw new AdminError(`no active call ${callId}`);
      call.status = status;
    },
    async listRecordings(callId) {
      return [...state.recordings.values()]
        .filter((recording) => recording.call_id === callId)
        .sort((a, b) => a.id.length - b.id.length || a.id.localeCompare(b.id))
        .map(copy);
    },
    async getDelivery(eventId) {
      return copy(state.deliveries.get(eventId));
    },
  };
}
