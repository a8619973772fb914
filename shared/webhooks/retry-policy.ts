/** How failed deliveries are spaced out. */
export interface RetryPolicy {
  /** Delay after the first failed attempt, in seconds. */
  baseDelaySeconds: number;
  /** Longest delay between two attempts, in seconds (SQS allows at most 12 hours of visibility). */
  maxDelaySeconds: number;
  /** Attempts in all; after the last, SQS moves the message to the dead-letter queue. */
  maxAttempts: number;
  /** Spread of the jitter around the exponential delay: 0.2 means ±20 %. */
  jitter: number;
}

/** Defaults: 30 s doubling to 2 h, ±20 %, 24 attempts, which spans more than 24 hours even at −20 %. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelaySeconds: 30,
  maxDelaySeconds: 7200,
  maxAttempts: 24,
  jitter: 0.2,
};

const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Seconds to wait after failed attempt `attempt` (1-based): exponential, capped, jittered, and never
 * shorter than the receiver's `Retry-After` (itself capped at what SQS can delay).
 */
export function retryDelaySeconds(
  attempt: number,
  policy: RetryPolicy,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    policy.maxDelaySeconds,
    policy.baseDelaySeconds * 2 ** Math.max(0, attempt - 1),
  );
  const jittered = exponential * (1 - policy.jitter + 2 * policy.jitter * random());
  const delay = Math.max(jittered, retryAfterSeconds ?? 0);
  return Math.min(SQS_MAX_VISIBILITY_SECONDS, Math.round(delay));
}

/** The shortest total time the policy keeps retrying (every jitter at its low end). */
export function minimumRetrySpanSeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt += 1) {
    total += retryDelaySeconds(attempt, policy, undefined, () => 0);
  }
  return total;
}

/** Reads `Retry-After` as seconds (either delta-seconds or an HTTP date); undefined if absent or invalid. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
