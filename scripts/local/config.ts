import * as z from 'zod/mini';
import { type Env, parseEnv, port, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  PORT: z._default(port, 3000),
  // Where the demo webhook goes; by default the inspector built into the local server.
  MINIVOICE_WEBHOOK_URL: z.optional(z.url()),
  MINIVOICE_LOCAL_DIR: z._default(text(), '.local'),
  LOCAL_DYNAMODB_PORT: z._default(port, 8000),
  LOCAL_SQS_PORT: z._default(port, 9324),
  // The simulated FreeSWITCH's Event Socket (FreeSWITCH's own default port).
  LOCAL_ESL_PORT: z._default(port, 8021),
  // The S3 emulator holding the recordings (s3rver's own default port).
  LOCAL_S3_PORT: z._default(port, 4568),
  // The KMS stand-in sealing webhook secrets (any free port: the admin CLI finds it in runtime.json).
  LOCAL_KMS_PORT: z._default(port, 0),
  // The WAF's rate-based rule in AWS: at most this many requests per source address in any minute (the WAF's default window).
  // Off unless set (per-application limits always apply: they are the recordings function's).
  LOCAL_IP_RATE_LIMIT: z.optional(z.coerce.number().check(z.int(), z.positive())),
});

/** Settings of `npm start` (the local stand-in for AWS). */
export type LocalConfig = z.infer<typeof schema>;

/** Parses `npm start`'s environment. */
export function loadLocalConfig(env: Env): LocalConfig {
  return parseEnv(schema, env);
}
