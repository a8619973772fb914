/** How failed deliveries are spaced out. */
export interface RetryPolicy {
  /** Delay after the first failed attempt, in seconds. */
  baseDelaySeconds: number;
  /** Longest delay between two attempts, in seconds (SQS allows at most 12 hours of visibility). */
  maxDelaySeconds: number;
  /** Attempts in all; after the last, the event is parked (kept with its body, redeliverable). */
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

/**
 * How long the webhook queue keeps a message (the stack's `retentionPeriod`): every retry of an event,
 * `Retry-After` included, must fit in it, or the message would expire instead of being parked.
 */
export const WEBHOOK_QUEUE_RETENTION_SECONDS = 4 * 86_400;

/**
 * Seconds to wait after failed attempt `attempt` (1-based): exponential, capped, jittered, and never
 * shorter than the receiver's `Retry-After` — honoured up to the policy's longest delay, so a receiver
 * asking for days cannot push the retries past the queue's retention.
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
  const delay = Math.max(jittered, Math.min(retryAfterSeconds ?? 0, policy.maxDelaySeconds));
  return Math.round(delay);
}

/** The longest total time the policy can keep retrying: every jitter high, every `Retry-After` huge. */
export function worstCaseRetrySpanSeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt += 1) {
    total += retryDelaySeconds(attempt, policy, Number.MAX_SAFE_INTEGER, () => 1);
  }
  return total;
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
