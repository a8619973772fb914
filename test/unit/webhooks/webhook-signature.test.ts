import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../../shared/webhooks/signature.ts';

const SECRET = 'whsec_test_secret';
const BODY = '{"event":"recording.started"}';
const NOW = 1_795_514_400;
// Computed independently: HMAC-SHA256("whsec_test_secret", "1795514400.{\"event\":\"recording.started\"}").
const KNOWN = 'v1=44507e5a52c58bbabeb9308d44d9869c2028558ff9deceb164515e2b66f9c536';

const headers = (signature: string, timestamp: string | number = NOW) => ({
  'X-MiniVoice-Timestamp': String(timestamp),
  'X-MiniVoice-Signature': signature,
  'X-MiniVoice-Event-Id': 'evt_1',
});

describe('signWebhook', () => {
  it('matches the known answer', () => {
    expect(signWebhook(SECRET, NOW, BODY)).toBe(KNOWN);
  });

  it('signs the UTF-8 bytes of the body', () => {
    // HMAC-SHA256("whsec_2", "1700000000.{\"café\":1}") over UTF-8.
    expect(signWebhook('whsec_2', 1_700_000_000, '{"café":1}')).toBe(
      'v1=2ef3a4158f78ab7f187ef663ae38c64badcf78ffe8041f72d8fccd93969e2a26',
    );
  });

  it('gives the same signature for the body as bytes', () => {
    expect(signWebhook(SECRET, NOW, Buffer.from(BODY))).toBe(KNOWN);
  });
});

describe('verifyWebhook', () => {
  it('accepts the known answer and returns the timestamp and event id', () => {
    expect(verifyWebhook(SECRET, headers(KNOWN), BODY, 300, NOW)).toEqual({
      ok: true,
      timestamp: NOW,
      eventId: 'evt_1',
    });
  });

  it('reads headers in any case, as node lower-cases them', () => {
    const lower = Object.fromEntries(Object.entries(headers(KNOWN)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWebhook(SECRET, lower, BODY, 300, NOW).ok).toBe(true);
  });

  it('accepts any one of several signatures (secret rotation)', () => {
    expect(verifyWebhook(SECRET, headers(`v1=${'0'.repeat(64)} ${KNOWN}`), BODY, 300, NOW).ok).toBe(true);
  });

  it.each([
    ['a changed body', headers(KNOWN), `${BODY} `, 'bad_signature'],
    ['another secret', headers(signWebhook('whsec_other', NOW, BODY)), BODY, 'bad_signature'],
    ['a truncated signature', headers(KNOWN.slice(0, 20)), BODY, 'bad_signature'],
    [
      'a timestamp outside the tolerance',
      headers(signWebhook(SECRET, NOW - 301, BODY), NOW - 301),
      BODY,
      'stale_timestamp',
    ],
    ['a non-numeric timestamp', headers(KNOWN, 'soon'), BODY, 'bad_timestamp'],
    ['no signature header', { 'X-MiniVoice-Timestamp': String(NOW) }, BODY, 'missing_headers'],
  ])('refuses %s', (_name, given, body, reason) => {
    expect(verifyWebhook(SECRET, given, body, 300, NOW)).toEqual({ ok: false, reason });
  });
});
