/** Header names of a MiniVoice webhook delivery. */
export declare const WEBHOOK_HEADERS: {
  readonly timestamp: 'X-MiniVoice-Timestamp';
  readonly signature: 'X-MiniVoice-Signature';
  readonly eventId: 'X-MiniVoice-Event-Id';
};

/** A signature scheme: `v1` signs timestamp and body, `v2` also the event id. */
export type WebhookSignatureScheme = 'v1' | 'v2';

/** The hex HMAC-SHA256 of one scheme over one delivery. */
export declare function webhookSignature(
  scheme: WebhookSignatureScheme,
  secret: string,
  timestamp: number,
  eventId: string,
  body: string | Uint8Array,
): string;

/** Why a delivery did not verify (for your logs; answer 400/401 either way). */
export type WebhookVerification =
  | { ok: true; timestamp: number; eventId: string | undefined; scheme: WebhookSignatureScheme }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

/** Verifies a delivery: signature (v2, or v1 with `acceptV1`) and timestamp, in constant time. */
export declare function verifyWebhook(
  secrets: string | readonly string[],
  headers: Record<string, string | string[] | undefined>,
  body: string | Uint8Array,
  toleranceSeconds?: number,
  nowSeconds?: number,
  options?: { acceptV1?: boolean },
): WebhookVerification;
