import * as z from 'zod/mini';
import { checkFreeSwitchConfig, freeSwitchEnv } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import { storageEnv } from '../../shared/adapters/s3/s3-config.ts';
import { type Env, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  CLAIM_LEASE_MS: positiveInt(10_000),
  // How long a stop waits for the stopped file to be stored and reported before answering 502 (retry).
  STOP_SETTLE_MS: positiveInt(8000),
  ...freeSwitchEnv,
  ...storageEnv,
});

/** Settings of the `recordings` function, parsed once at cold start. */
export type RecordingsConfig = z.infer<typeof schema>;

/** Parses the `recordings` function's environment; the error names every missing or invalid variable. */
export function loadRecordingsConfig(env: Env): RecordingsConfig {
  return checkFreeSwitchConfig(parseEnv(schema, env));
}
