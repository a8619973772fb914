/** An application's allowance: `perSecond` requests a second on average, up to `burst` at once. */
export interface AllowancePolicy {
  perSecond: number;
  burst: number;
}

/** The spec's default allowance (Part 2): 50 requests/s with bursts of 100. */
export const DEFAULT_ALLOWANCE: AllowancePolicy = { perSecond: 50, burst: 100 };

/**
 * GCRA (generic cell rate algorithm) over one number per application, `tat`: the theoretical arrival
 * time (epoch ms) of the next request if requests came exactly at the allowed rate. `intervalMs` is the
 * spacing of that rate; `toleranceMs` how far ahead of now `tat` may run, which is the burst.
 */
export interface Gcra {
  intervalMs: number;
  toleranceMs: number;
}

/** The GCRA parameters of a policy. */
export function gcraOf(policy: AllowancePolicy): Gcra {
  const intervalMs = 1000 / policy.perSecond;
  return { intervalMs, toleranceMs: (policy.burst - 1) * intervalMs };
}

/**
 * What a request arriving at `nowMs` does to an allowance whose `tat` is as given:
 * - `restart`: the allowance is full again (no `tat`, or `tat` in the past): `tat = now + interval`;
 * - `advance`: within the burst: `tat = tat + interval`;
 * - `refuse`: over the limit; it would fit again in `retryAfterMs`.
 */
export function gcraStep(
  tat: number | undefined,
  nowMs: number,
  gcra: Gcra,
): { kind: 'restart' } | { kind: 'advance' } | { kind: 'refuse'; retryAfterMs: number } {
  if (tat === undefined || tat < nowMs) return { kind: 'restart' };
  if (tat <= nowMs + gcra.toleranceMs) return { kind: 'advance' };
  return { kind: 'refuse', retryAfterMs: tat - gcra.toleranceMs - nowMs };
}

/** `Retry-After` for a wait: whole seconds rounded up, at least 1 (a client must not retry at once). */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
