// MiniVoice webhook verifier: no dependencies, Node.js 18+. See README.md; the same checks in Python are
// in python/minivoice_webhooks.py, and test-vectors.json holds known answers both are tested against.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a MiniVoice webhook delivery. */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-MiniVoice-Timestamp',
  signature: 'X-MiniVoice-Signature',
  eventId: 'X-MiniVoice-Event-Id',
};

/**
 * The hex HMAC-SHA256 of one signature scheme:
 * - `v1`: over `timestamp + "." + body` (the documentation page's scheme);
 * - `v2`: over `timestamp + "." + eventId + "." + body`, so the event id receivers dedupe on is signed too.
 */
export function webhookSignature(scheme, secret, timestamp, eventId, body) {
  const mac = createHmac('sha256', secret);
  mac.update(scheme === 'v2' ? `${timestamp}.${eventId}.` : `${timestamp}.`, 'utf8');
  mac.update(body);
  return mac.digest('hex');
}

/**
 * Verifies a MiniVoice webhook delivery as a receiver. Pass the body exactly as received, before any
 * JSON parsing. The timestamp must be within `toleranceSeconds` of now, and one of the `v2=` signatures
 * (they cover the event id) must match one of your secrets — several secrets, for a rotation. With
 * `{ acceptV1: true }`, a delivery that carries no `v2=` value is checked against its `v1=` values.
 * Compares in constant time.
 */
export function verifyWebhook(secrets, headers, body, toleranceSeconds = 300, nowSeconds, options = {}) {
  const header = (name) => {
    const wanted = name.toLowerCase();
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
    return Array.isArray(entry) ? entry[0] : entry;
  };
  const timestampText = header(WEBHOOK_HEADERS.timestamp);
  const signatures = header(WEBHOOK_HEADERS.signature);
  const eventId = header(WEBHOOK_HEADERS.eventId);
  if (!timestampText || !signatures) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(timestampText);
  const now = nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale_timestamp' };
  const values = signatures.split(/[\s,]+/).filter(Boolean);
  const v2 = values.filter((value) => value.startsWith('v2=')).map((value) => value.slice(3));
  const v1 = values.filter((value) => value.startsWith('v1=')).map((value) => value.slice(3));
  const scheme = v2.length > 0 ? 'v2' : options.acceptV1 ? 'v1' : undefined;
  if (!scheme || (scheme === 'v2' && !eventId)) return { ok: false, reason: 'bad_signature' };
  const candidates = (scheme === 'v2' ? v2 : v1).map((value) => Buffer.from(value));
  const matches = [secrets].flat().some((secret) => {
    const expected = Buffer.from(webhookSignature(scheme, secret, timestamp, eventId ?? '', body));
    return candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected));
  });
  if (!matches) return { ok: false, reason: 'bad_signature' };
  return { ok: true, timestamp, eventId, scheme };
}
