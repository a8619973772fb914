import type { AdmissionDeps } from '../accounts/ports.ts';
import type { ApiKey } from '../accounts/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { EventQueue, WebhookStore } from '../webhooks/ports.ts';

/** Reads API keys (by hash), to authenticate a request. */
export interface ApiKeyReader {
  getApiKey(keyHash: string): Promise<ApiKey | undefined>;
}

/** Ports of the customer-facing webhook use cases. */
export interface WebhookEventsDeps extends AdmissionDeps {
  keys: ApiKeyReader;
  deliveries: Pick<WebhookStore, 'getApplication' | 'getDelivery' | 'listDeliveries' | 'markPending'>;
  queue: EventQueue;
  clock: Clock;
}
