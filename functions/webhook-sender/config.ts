import * as z from 'zod/mini';
import { type Env, flag, nonNegativeInt, parseEnv, positiveInt, text } from '../../shared/kernel/env.ts';
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  WEBHOOK_QUEUE_RETENTION_SECONDS,
  worstCaseRetrySpanSeconds,
} from '../../shared/webhooks/retry-policy.ts';

const schema = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  // Messages that are not webhooks at all go here, for an operator.
  WEBHOOK_DLQ_URL: z.url(),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  // An endpoint whose every attempt failed this many days in a row is disabled (events parked).
  WEBHOOK_DISABLE_AFTER_DAYS: positiveInt(5),
  // The retry defaults live in one place: the retry policy.
  WEBHOOK_MAX_ATTEMPTS: positiveInt(DEFAULT_RETRY_POLICY.maxAttempts),
  WEBHOOK_RETRY_BASE_SECONDS: nonNegativeInt(DEFAULT_RETRY_POLICY.baseDelaySeconds),
  WEBHOOK_RETRY_MAX_DELAY_SECONDS: positiveInt(DEFAULT_RETRY_POLICY.maxDelaySeconds),
  // The customer-managed KMS key sealing webhook secrets (key id, key ARN, or alias): the sender
  // decrypts with it (kms:Decrypt, encryption context application_id), nothing else.
  WEBHOOK_SECRETS_KEY_ID: text(1),
  // Local development and tests only: lets webhooks go to plain-http loopback receivers.
  WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: flag,
});

/** Settings of the `webhook-sender` function. */
export type WebhookSenderConfig = z.infer<typeof schema>;

/** The retry policy the settings describe: the configured delays and attempts, the default jitter. */
export function retryPolicyOf(config: WebhookSenderConfig): RetryPolicy {
  return {
    ...DEFAULT_RETRY_POLICY,
    baseDelaySeconds: config.WEBHOOK_RETRY_BASE_SECONDS,
    maxDelaySeconds: config.WEBHOOK_RETRY_MAX_DELAY_SECONDS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
  };
}

/** SQS refuses to hide a message for longer than 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Parses the `webhook-sender` function's environment. Refuses retry settings under which a message could
 * outlive the queue's retention before its last attempt (it would expire instead of being parked).
 */
export function loadWebhookSenderConfig(env: Env): WebhookSenderConfig {
  const config = parseEnv(schema, env);
  if (config.WEBHOOK_RETRY_MAX_DELAY_SECONDS > MAX_VISIBILITY_SECONDS) {
    throw new Error(
      `invalid configuration: WEBHOOK_RETRY_MAX_DELAY_SECONDS: at most ${MAX_VISIBILITY_SECONDS} (SQS's longest visibility timeout)`,
    );
  }
  const span = worstCaseRetrySpanSeconds(retryPolicyOf(config));
  if (span >= WEBHOOK_QUEUE_RETENTION_SECONDS) {
    throw new Error(
      `invalid configuration: WEBHOOK_MAX_ATTEMPTS: the retries could last ${span} s, past the queue's retention of ${WEBHOOK_QUEUE_RETENTION_SECONDS} s`,
    );
  }
  return config;
}
