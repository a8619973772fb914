import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const common = z.object({
  TABLE_NAME: z.string().min(3),
  WEBHOOK_QUEUE_URL: z.url(),
  CLAIM_LEASE_MS: positiveInt(10_000),
  OUTBOX_GRACE_MS: positiveInt(60_000),
});

const freeswitch = z.object({
  RECORDING_PROVIDER: z.literal('freeswitch'),
  ESL_HOST: z.string().min(1),
  ESL_PORT: positiveInt(8021),
  // In AWS the password lives in Secrets Manager (ESL_PASSWORD_SECRET_ARN); ESL_PASSWORD is for local runs.
  ESL_PASSWORD: z.string().min(1).optional(),
  ESL_PASSWORD_SECRET_ARN: z.string().min(1).optional(),
  ESL_TIMEOUT_MS: positiveInt(3000),
  RECORDING_PATH_TEMPLATE: z
    .string()
    .min(1)
    .default('/var/lib/freeswitch/recordings/{customer_id}/{call_id}/{recording_id}.wav'),
  RECORDING_URL_TEMPLATE: z.string().min(1),
});

const simulated = z.object({
  RECORDING_PROVIDER: z.literal('simulated'),
  SIMULATED_RECORDINGS_DIR: z.string().min(1),
  SIMULATED_RECORDINGS_BASE_URL: z.url(),
});

const recordingsSchema = z.intersection(
  common,
  z.discriminatedUnion('RECORDING_PROVIDER', [freeswitch, simulated]),
);

/** Settings of the `recordings` function (and the outbox sweep), parsed once at cold start. */
export type RecordingsConfig = z.infer<typeof recordingsSchema>;

/** Settings of the outbox sweep. */
export type OutboxSweepConfig = z.infer<typeof common>;

type Env = Record<string, string | undefined>;

function parseEnv<T extends z.ZodType>(schema: T, env: Env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Parses the `recordings` function's environment; the error names every missing or invalid variable. */
export function loadRecordingsConfig(env: Env): RecordingsConfig {
  const config = parseEnv(recordingsSchema, env);
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

/** Parses the outbox sweep's environment. */
export function loadOutboxSweepConfig(env: Env): OutboxSweepConfig {
  return parseEnv(common, env);
}

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

const webhookSenderSchema = z.object({
  TABLE_NAME: z.string().min(3),
  WEBHOOK_QUEUE_URL: z.url(),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  WEBHOOK_MAX_ATTEMPTS: positiveInt(24),
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().nonnegative().default(30),
  WEBHOOK_RETRY_MAX_DELAY_SECONDS: positiveInt(7200),
  // Local development and tests only: lets webhooks go to plain-http loopback receivers.
  WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: flag,
});

/** Settings of the `webhook-sender` function. */
export type WebhookSenderConfig = z.infer<typeof webhookSenderSchema>;

/** Parses the `webhook-sender` function's environment. */
export function loadWebhookSenderConfig(env: Env): WebhookSenderConfig {
  return parseEnv(webhookSenderSchema, env);
}

const portSchema = z.coerce.number().int().min(0).max(65_535);

const localSchema = z.object({
  PORT: portSchema.default(3000),
  // Where the demo webhook goes; by default the inspector built into the local server.
  MINIVOICE_WEBHOOK_URL: z.url().optional(),
  MINIVOICE_LOCAL_DIR: z.string().min(1).default('.local'),
  LOCAL_DYNAMODB_PORT: portSchema.default(8000),
  LOCAL_SQS_PORT: portSchema.default(9324),
});

/** Settings of `npm start` (the local stand-in for AWS). */
export type LocalConfig = z.infer<typeof localSchema>;

/** Parses `npm start`'s environment. */
export function loadLocalConfig(env: Env): LocalConfig {
  return parseEnv(localSchema, env);
}

const adminSchema = z.object({
  TABLE_NAME: z.string().min(3).optional(),
  WEBHOOK_QUEUE_URL: z.url().optional(),
  WEBHOOK_DLQ_URL: z.url().optional(),
  MINIVOICE_LOCAL_DIR: z.string().min(1).default('.local'),
});

/** Settings of the admin CLI (resource names may instead come from a running `npm start`). */
export type AdminConfig = z.infer<typeof adminSchema>;

/** Parses the admin CLI's environment. */
export function loadAdminConfig(env: Env): AdminConfig {
  return parseEnv(adminSchema, env);
}
