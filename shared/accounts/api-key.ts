import { createHash } from 'node:crypto';

// Keys are `mv_live_…` or `mv_test_…`; anything else cannot be a key, so it is refused without a lookup.
const KEY_PATTERN = /^mv_(live|test)_[A-Za-z0-9]{16,128}$/;
const BEARER_PATTERN = /^Bearer +(\S+) *$/i;

/** Extracts a well-formed API key from an `Authorization` header, or undefined if there is none. */
export function parseBearerKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = BEARER_PATTERN.exec(header)?.[1];
  return key !== undefined && KEY_PATTERN.test(key) ? key : undefined;
}

/** SHA-256 (hex) of an API key: the only form in which keys are stored or compared. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
