import * as z from 'zod/mini';
import { type Env, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  OUTBOX_GRACE_MS: positiveInt(60_000),
});

/** Settings of the `outbox-sweep` function. */
export type OutboxSweepConfig = z.infer<typeof schema>;

/** Parses the outbox sweep's environment. */
export function loadOutboxSweepConfig(env: Env): OutboxSweepConfig {
  return parseEnv(schema, env);
}
