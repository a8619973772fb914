/**
 * How long the per-address limit looks back: the WAF rate-based rule's evaluation window as the stack
 * deploys it by default (`wafWindowSeconds`, 60 s).
 */
export const ADDRESS_WINDOW_MS = 60_000;

/**
 * The local stand-in for the WAF's rate-based rule: at most `limit` requests from one source address in
 * any `windowMs`. Counts only what it lets through, so a client that waits as told gets in again.
 */
export function createAddressRateLimit(
  limit: number,
  windowMs = ADDRESS_WINDOW_MS,
  now: () => number = Date.now,
) {
  const accepted = new Map<string, number[]>();
  return {
    /** Counts a request from `address`: undefined when it may pass, otherwise the ms until one may. */
    take(address: string): number | undefined {
      const at = now();
      const recent = (accepted.get(address) ?? []).filter((time) => time > at - windowMs);
      const oldest = recent[0];
      if (oldest !== undefined && recent.length >= limit) {
        accepted.set(address, recent);
        return oldest + windowMs - at;
      }
      recent.push(at);
      accepted.set(address, recent);
      return undefined;
    },
  };
}
