import * as z from 'zod/mini';
import { type Env, flag, nonNegativeInt, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';
import { DEFAULT_RETRY_POLICY } from '../../shared/webhooks/retry-policy.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  // The retry defaults live in one place: the retry policy.
  WEBHOOK_MAX_ATTEMPTS: positiveInt(DEFAULT_RETRY_POLICY.maxAttempts),
  WEBHOOK_RETRY_BASE_SECONDS: nonNegativeInt(DEFAULT_RETRY_POLICY.baseDelaySeconds),
  WEBHOOK_RETRY_MAX_DELAY_SECONDS: positiveInt(DEFAULT_RETRY_POLICY.maxDelaySeconds),
  // Local development and tests only: lets webhooks go to plain-http loopback receivers.
  WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: flag,
});

/** Settings of the `webhook-sender` function. */
export type WebhookSenderConfig = z.infer<typeof schema>;

/** Parses the `webhook-sender` function's environment. */
export function loadWebhookSenderConfig(env: Env): WebhookSenderConfig {
  return parseEnv(schema, env);
}
