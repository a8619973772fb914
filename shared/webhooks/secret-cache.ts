import type { Clock } from '../kernel/clock.ts';
import type { SecretOpener } from './ports.ts';

/** How long, and how many, opened secrets a warm sender keeps (see {@link cacheOpenedSecrets}). */
export interface SecretCacheSettings {
  ttlMs: number;
  maxEntries: number;
}

/**
 * The sender's default: 5 minutes, 1,000 secrets. Long enough that a busy application costs one KMS
 * Decrypt per container every 5 minutes instead of one per delivery (KMS requests are billed and share
 * an account-wide quota with everything else); short enough that disabling the key or withdrawing the
 * sender's kms:Decrypt stops signing within minutes.
 */
const DEFAULT_SECRET_CACHE: SecretCacheSettings = { ttlMs: 5 * 60_000, maxEntries: 1000 };

/**
 * Keeps opened secrets in memory for a while, keyed by application and sealed value together: a new or
 * rotated secret is a new sealed value (never served stale), and a sealed value copied onto another
 * application misses the cache and is refused by the key service as it should be. Concurrent opens of
 * the same value share one request; a failure is not kept. The secrets stay in this process's memory
 * only, as they must while signing.
 */
export function cacheOpenedSecrets(
  opener: SecretOpener,
  clock: Clock,
  settings: SecretCacheSettings = DEFAULT_SECRET_CACHE,
): SecretOpener {
  const cache = new Map<string, { secret: Promise<string>; until: number }>();
  return {
    isSealed: (value) => opener.isSealed(value),
    open(sealed, applicationId) {
      const key = `${applicationId}\n${sealed}`;
      const now = clock.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.secret;
      cache.delete(key);
      // Oldest first out: a Map iterates in insertion order.
      while (cache.size > 0 && cache.size >= settings.maxEntries)
        cache.delete(cache.keys().next().value as string);
      const secret = opener.open(sealed, applicationId);
      const entry = { secret, until: now + settings.ttlMs };
      cache.set(key, entry);
      secret.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
      return secret;
    },
  };
}
