import * as z from 'zod/mini';
import { type Env, parseEnv } from '../../shared/kernel/env.ts';

const schema = z.object({
  WEBHOOK_QUEUE_URL: z.url(),
});

/** Settings of the `outbox-relay` function. */
export type OutboxRelayConfig = z.infer<typeof schema>;

/** Parses the outbox relay's environment. */
export function loadOutboxRelayConfig(env: Env): OutboxRelayConfig {
  return parseEnv(schema, env);
}
