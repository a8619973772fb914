import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  minimumRetrySpanSeconds,
  parseRetryAfter,
  retryDelaySeconds,
  WEBHOOK_QUEUE_RETENTION_SECONDS,
  worstCaseRetrySpanSeconds,
} from '../../../shared/webhooks/retry-policy.ts';

const middle = () => 0.5;

describe('retryDelaySeconds', () => {
  it.each([
    [1, 30],
    [2, 60],
    [3, 120],
    [8, 3840],
    [9, 7200],
    [20, 7200],
  ])('waits %i → %i s without jitter', (attempt, seconds) => {
    expect(retryDelaySeconds(attempt, DEFAULT_RETRY_POLICY, undefined, middle)).toBe(seconds);
  });

  it('spreads delays by the jitter', () => {
    expect([
      retryDelaySeconds(3, DEFAULT_RETRY_POLICY, undefined, () => 0),
      retryDelaySeconds(3, DEFAULT_RETRY_POLICY, undefined, () => 1),
    ]).toEqual([96, 144]);
  });

  it('waits at least as long as Retry-After', () => {
    expect(retryDelaySeconds(1, DEFAULT_RETRY_POLICY, 600, middle)).toBe(600);
  });

  it("honours Retry-After only up to the policy's longest delay (2 h)", () => {
    expect(retryDelaySeconds(1, DEFAULT_RETRY_POLICY, 999_999, middle)).toBe(7200);
  });
});

describe('worstCaseRetrySpanSeconds', () => {
  it("keeps every retry, the longest Retry-After included, inside the webhook queue's retention", () => {
    // 23 waits: 8 held to 2 h by Retry-After, then 15 of 2 h + 20 % jitter: 52 h, against 4 days.
    expect(worstCaseRetrySpanSeconds(DEFAULT_RETRY_POLICY)).toBe(8 * 7200 + 15 * 8640);
    expect(worstCaseRetrySpanSeconds(DEFAULT_RETRY_POLICY)).toBeLessThan(WEBHOOK_QUEUE_RETENTION_SECONDS);
  });
});

describe('minimumRetrySpanSeconds', () => {
  it('keeps the default policy retrying for more than 24 hours even with the shortest jitter', () => {
    expect(minimumRetrySpanSeconds(DEFAULT_RETRY_POLICY)).toBeGreaterThan(24 * 3600);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  it.each([
    ['120', 120],
    ['Tue, 24 Nov 2026 10:01:30 GMT', 90],
    ['Tue, 24 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('reads %j as %j seconds', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});
