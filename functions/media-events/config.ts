import * as z from 'zod/mini';
import { checkFreeSwitchConfig, freeSwitchEnv } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import { storageEnv } from '../../shared/adapters/s3/s3-config.ts';
import { baseUrl, type Env, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  MEDIA_EVENTS_QUEUE_URL: z.url(),
  // Must match the recordings function's: a start claim older than this belongs to a request that died.
  CLAIM_LEASE_MS: positiveInt(10_000),
  // The API's public base URL (stage included): the file_url of the recording.completed webhook. The
  // API itself builds file_url from its own PUBLIC_API_URL whenever it shows a recording.
  PUBLIC_API_URL: baseUrl,
  ...freeSwitchEnv,
  ...storageEnv,
});

/** Settings of the `media-events` function. */
export type MediaEventsConfig = z.infer<typeof schema>;

/** Parses the `media-events` function's environment. */
export function loadMediaEventsConfig(env: Env): MediaEventsConfig {
  return checkFreeSwitchConfig(parseEnv(schema, env));
}
