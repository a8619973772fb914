// Checks of the admin CLI's option values, run before anything connects: each refusal is one line
// naming the option and what it takes. Only light modules here (no SDK): `--help` and every refusal
// answer without loading the AWS clients.
import { isIP } from 'node:net';
import { parseBearerKey } from '../../shared/accounts/api-key.ts';
import { isValidCallId } from '../../shared/recordings/call-rules.ts';
import { isValidMediaNodeName } from '../../shared/recordings/media-node.ts';
import { classifyAddress } from '../../shared/webhooks/target-policy.ts';
import { UsageError } from './usage-error.ts';

/** What a check may depend on besides the value: whether the command runs against `npm start`. */
export interface CheckContext {
  local: boolean;
}

/** Refuses a bad value of `--<option>` with a {@link UsageError}. */
export type OptionCheck = (value: string, option: string, context: CheckContext) => void;

/** Ids as the platform makes them: `<prefix>_` and letters or digits (no further `_`). */
export function idOf(prefix: string, what: string): OptionCheck {
  const pattern = new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`);
  return (value, option) => {
    if (!pattern.test(value))
      throw new UsageError(`--${option} must be ${what} id (${prefix}_…), not "${value}"`);
  };
}

/** A call id (`call_` and letters or digits, as the API takes them). */
export const callId: OptionCheck = (value, option) => {
  if (!isValidCallId(value)) throw new UsageError(`--${option} must be a call id (call_…), not "${value}"`);
};

/** A recording id: `rec_<call id>`, or `rec_<call id>_<n>` for a call's later recordings. */
export const recordingId: OptionCheck = (value, option) => {
  if (!/^rec_call_[A-Za-z0-9]{1,64}(?:_[0-9]+)?$/.test(value))
    throw new UsageError(`--${option} must be a recording id (rec_call_…), not "${value}"`);
};

/** An API key in clear (`mv_test_…` or `mv_live_…`), with the shape authentication accepts. */
export const apiKey: OptionCheck = (value, option) => {
  if (parseBearerKey(`Bearer ${value}`) !== value)
    throw new UsageError(`--${option} must be an API key (mv_test_… or mv_live_…)`);
};

/** The SHA-256 of an API key, as stored: 64 lower-case hex digits. */
export const keyHash: OptionCheck = (value, option) => {
  if (!/^[0-9a-f]{64}$/.test(value))
    throw new UsageError(`--${option} must be a key's SHA-256 hash (64 hex digits)`);
};

/** The name of a media server (a name of ESL_NODES). */
export const mediaNode: OptionCheck = (value, option) => {
  if (!isValidMediaNodeName(value))
    throw new UsageError(
      `--${option} ${value} must be 1-32 lower-case letters, digits or dashes (a name of ESL_NODES)`,
    );
};

/** One of a few words. */
export function oneOf(...allowed: readonly string[]): OptionCheck {
  const listed = allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `one of ${allowed.join(', ')}`;
  return (value, option) => {
    if (!allowed.includes(value)) throw new UsageError(`--${option} must be ${listed}, not "${value}"`);
  };
}

/** A whole number in a range; `note` explains a special value (e.g. `0 (keep forever)`). */
export function wholeNumber(min: number, max: number, note = ''): OptionCheck {
  return (value, option) => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && n <= max))
      throw new UsageError(`--${option} must be a whole number from ${min}${note} to ${max}`);
  };
}

/** Text of bounded length (names, phone numbers, provider ids). */
export function text(max: number): OptionCheck {
  return (value, option) => {
    if (value.trim() === '' || value.length > max)
      throw new UsageError(`--${option} must be 1 to ${max} characters`);
  };
}

// RFC 3339 with a zone, as the API writes times (fractions allowed); Date.parse alone takes "2026".
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

/** A time such as `2026-11-24T10:00:00Z`. */
export const rfc3339: OptionCheck = (value, option) => {
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value)))
    throw new UsageError(`--${option} must be an RFC 3339 time such as 2026-11-24T10:00:00Z, not "${value}"`);
};

/** A webhook secret an operator chooses: long enough to resist guessing. */
export const webhookSecret: OptionCheck = (value, option) => {
  if (value.length < 16) throw new UsageError(`--${option} must have at least 16 characters`);
};

/**
 * A webhook URL the sender will deliver to: https; plain http only to this machine (127.0.0.0/8, ::1,
 * localhost) with --local, where `npm start` allows insecure local targets as its sender does. Where
 * the host resolves to is checked by the sender before each delivery.
 */
export const webhookUrl: OptionCheck = (value, option, { local }) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${option} is not a URL: ${value}`);
  }
  if (url.username || url.password)
    throw new UsageError(`--${option} must not carry a user name or password`);
  if (url.protocol === 'https:') return;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const loopback = host === 'localhost' || (isIP(host) !== 0 && classifyAddress(host) === 'loopback');
  if (url.protocol === 'http:' && local && loopback) return;
  throw new UsageError(
    url.protocol === 'http:' && local
      ? `--${option} must use https (plain http only to 127.0.0.1, ::1 or localhost)`
      : `--${option} must use https${local ? '' : ' (plain http only to this machine, with --local)'}`,
  );
};
