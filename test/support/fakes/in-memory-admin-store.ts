import { AdminError } from '../../../shared/admin/errors.ts';
import type { AdminStore } from '../../../shared/admin/ports.ts';
import { isCallActive } from '../../../shared/recordings/call-rules.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/** In-memory {@link AdminStore} with the DynamoDB adapter's checks (parents exist, no overwrite). */
export function createInMemoryAdminStore(state: InMemoryState = createInMemoryState()): AdminStore {
  const readApplication = (applicationId: string) => {
    const application = state.applications.get(applicationId);
    if (!application) return undefined;
    const { created_at: _created, ...rest } = copy(application);
    return rest;
  };
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
      return readApplication(applicationId);
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
    async setWebhook(applicationId, webhookUrl, sealedSecret) {
      const application = state.applications.get(applicationId);
      if (!application) throw new AdminError(`no application ${applicationId}`);
      Object.assign(application, {
        webhook_url: webhookUrl,
        webhook_status: 'active',
        ...(sealedSecret ? { webhook_secret: sealedSecret } : {}),
      });
      delete application.webhook_failing_since;
      delete application.webhook_disabled_at;
      delete application.webhook_disabled_reason;
      if (sealedSecret) {
        delete application.webhook_secret_previous;
        delete application.webhook_secret_previous_expires_at;
      }
    },
    async rotateWebhookSecret(applicationId, sealedSecret, previousExpiresAt) {
      const application = state.applications.get(applicationId);
      if (!application?.webhook_secret) {
        throw new AdminError(`no application ${applicationId} with a webhook secret to rotate`);
      }
      Object.assign(application, {
        webhook_secret_previous: application.webhook_secret,
        webhook_secret: sealedSecret,
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
      state.rates.set(applicationId, { ...state.rates.get(applicationId), application_status: status });
    },
    async *copyStatusToKeys(applicationId, status) {
      const behind = [...state.apiKeys.values()].filter(
        (key) => key.application_id === applicationId && key.application_status !== status,
      );
      for (let i = 0; i < behind.length; i += 99) {
        if (state.applications.get(applicationId)?.status !== status) {
          throw new AdminError(
            `application ${applicationId} is no longer ${status}: the later change updates its keys`,
          );
        }
        const page = behind.slice(i, i + 99);
        for (const key of page) key.application_status = status;
        yield page.length;
      }
    },
    async *listApplications() {
      const all = [...state.applications.keys()];
      for (let i = 0; i < all.length; i += 25) {
        yield all
          .slice(i, i + 25)
          .map(readApplication)
          .filter((application) => application !== undefined);
      }
    },
    async sealStoredSecrets(applicationId, replacements) {
      const application = state.applications.get(applicationId);
      const fields = Object.entries(replacements).filter((entry) => entry[1] !== undefined) as [
        'webhook_secret' | 'webhook_secret_previous',
        { plaintext: string; sealed: string },
      ][];
      if (!application || fields.some(([field, { plaintext }]) => application[field] !== plaintext))
        return false;
      for (const [field, { sealed }] of fields) application[field] = sealed;
      return true;
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
