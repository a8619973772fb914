import * as z from 'zod/mini';
import { storageEnv } from '../../shared/adapters/s3/s3-config.ts';
import { type Env, parseEnv, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  ...storageEnv,
});

/** Settings of the `retention-sweep` function. */
export type RetentionSweepConfig = z.infer<typeof schema>;

/** Parses the retention sweep's environment. */
export function loadRetentionSweepConfig(env: Env): RetentionSweepConfig {
  return parseEnv(schema, env);
}
