import { webhookSignature } from '../../packages/webhook-verifier/index.js';
import type { Application } from '../accounts/types.ts';

// Receivers verify with the published verifier (packages/webhook-verifier); the service uses the same.
export {
  verifyWebhook,
  WEBHOOK_HEADERS,
  type WebhookVerification,
  webhookSignature,
} from '../../packages/webhook-verifier/index.js';

/**
 * The `X-MiniVoice-Signature` value of one delivery: for each secret in force, `v1=<hex HMAC-SHA256(secret,
 * timestamp + "." + body)>` (the contract's scheme, unchanged for existing receivers), then for each,
 * `v2=<hex HMAC-SHA256(secret, timestamp + "." + event id + "." + body)>` (it also covers the event id),
 * space-separated.
 */
export function signWebhook(
  secrets: readonly string[],
  timestamp: number,
  eventId: string,
  body: string | Uint8Array,
): string {
  return (['v1', 'v2'] as const)
    .flatMap((scheme) =>
      secrets.map((secret) => `${scheme}=${webhookSignature(scheme, secret, timestamp, eventId, body)}`),
    )
    .join(' ');
}

/**
 * The stored (sealed) secrets a delivery is signed with now: the current one, and during a rotation the
 * previous. The sender opens them just before signing.
 */
export function secretsInForce(application: Application, now: Date): string[] {
  const previous =
    application.webhook_secret_previous &&
    application.webhook_secret_previous_expires_at &&
    Date.parse(application.webhook_secret_previous_expires_at) > now.getTime()
      ? [application.webhook_secret_previous]
      : [];
  return application.webhook_secret ? [application.webhook_secret, ...previous] : previous;
}
