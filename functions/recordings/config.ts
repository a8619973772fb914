import * as z from 'zod/mini';
import { DEFAULT_ALLOWANCE } from '../../shared/accounts/gcra.ts';
import { checkFreeSwitchConfig, freeSwitchEnv } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import { storageEnv } from '../../shared/adapters/s3/s3-config.ts';
import { baseUrl, type Env, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  CLAIM_LEASE_MS: positiveInt(10_000),
  // The API's public base URL (stage included): a completed recording's file_url is built from it each
  // time the API shows the recording, so it follows the URL when the URL changes.
  PUBLIC_API_URL: baseUrl,
  // How long a stop waits for the stopped file to be stored and reported before answering 502 (retry).
  STOP_SETTLE_MS: positiveInt(8000),
  // Each application's allowance (the spec's Part 2 defaults): requests per second on average, and the
  // most it may send at once.
  RATE_LIMIT_PER_SECOND: positiveInt(DEFAULT_ALLOWANCE.perSecond),
  RATE_LIMIT_BURST: positiveInt(DEFAULT_ALLOWANCE.burst),
  ...freeSwitchEnv,
  ...storageEnv,
});

/** Settings of the `recordings` function, parsed once at cold start. */
export type RecordingsConfig = z.infer<typeof schema>;

/** Parses the `recordings` function's environment; the error names every missing or invalid variable. */
export function loadRecordingsConfig(env: Env): RecordingsConfig {
  return checkFreeSwitchConfig(parseEnv(schema, env));
}
