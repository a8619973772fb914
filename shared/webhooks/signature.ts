import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a MiniVoice webhook delivery. */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-MiniVoice-Timestamp',
  signature: 'X-MiniVoice-Signature',
  eventId: 'X-MiniVoice-Event-Id',
} as const;

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, over the exact body bytes sent. */
export function signWebhook(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(body);
  return `v1=${mac.digest('hex')}`;
}

/** Why a delivery did not verify (for receivers' logs; answer 400/401 either way). */
export type WebhookVerification =
  | { ok: true; timestamp: number; eventId: string | undefined }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

/**
 * Verifies a MiniVoice webhook as a receiver: the signature over the raw body must match (compared in
 * constant time; several space-separated `v1=` values are accepted, for secret rotation) and the
 * timestamp must be within `toleranceSeconds` of now. Pass the body exactly as received, before parsing.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string | Uint8Array,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): WebhookVerification {
  const header = (name: string) => {
    const wanted = name.toLowerCase();
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
    return Array.isArray(entry) ? entry[0] : entry;
  };
  const timestampText = header(WEBHOOK_HEADERS.timestamp);
  const signatures = header(WEBHOOK_HEADERS.signature);
  if (!timestampText || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const matches = signatures
    .split(/[\s,]+/)
    .map((candidate) => Buffer.from(candidate))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  if (!matches) return { ok: false, reason: 'bad_signature' };
  return { ok: true, timestamp, eventId: header(WEBHOOK_HEADERS.eventId) };
}
