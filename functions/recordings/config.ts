import * as z from 'zod/mini';
import { type Env, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';

const common = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  CLAIM_LEASE_MS: positiveInt(10_000),
});

const freeswitch = z.object({
  RECORDING_PROVIDER: z.literal('freeswitch'),
  ESL_HOST: text(),
  ESL_PORT: positiveInt(8021),
  // In AWS the password lives in Secrets Manager (ESL_PASSWORD_SECRET_ARN); ESL_PASSWORD is for local runs.
  ESL_PASSWORD: z.optional(text()),
  ESL_PASSWORD_SECRET_ARN: z.optional(text()),
  ESL_TIMEOUT_MS: positiveInt(3000),
  RECORDING_PATH_TEMPLATE: z._default(
    text(),
    '/var/lib/freeswitch/recordings/{customer_id}/{call_id}/{recording_id}.wav',
  ),
  RECORDING_URL_TEMPLATE: text(),
});

const simulated = z.object({
  RECORDING_PROVIDER: z.literal('simulated'),
  SIMULATED_RECORDINGS_DIR: text(),
  SIMULATED_RECORDINGS_BASE_URL: z.url(),
});

const schema = z.intersection(common, z.discriminatedUnion('RECORDING_PROVIDER', [freeswitch, simulated]));

/** Settings of the `recordings` function, parsed once at cold start. */
export type RecordingsConfig = z.infer<typeof schema>;

/** Parses the `recordings` function's environment; the error names every missing or invalid variable. */
export function loadRecordingsConfig(env: Env): RecordingsConfig {
  const config = parseEnv(schema, env);
  // A cross-field rule; zod does not run refinements on intersections.
  if (
    config.RECORDING_PROVIDER === 'freeswitch' &&
    (config.ESL_PASSWORD === undefined) === (config.ESL_PASSWORD_SECRET_ARN === undefined)
  ) {
    throw new Error(
      'invalid configuration: ESL_PASSWORD_SECRET_ARN: set exactly one of ESL_PASSWORD and ESL_PASSWORD_SECRET_ARN',
    );
  }
  return config;
}
