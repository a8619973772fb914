import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini keeps bundles small (tens of KB instead of hundreds); English messages for clear errors.
z.config(en());

const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const text = (min = 1) => z.string().check(z.minLength(min));

const common = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  CLAIM_LEASE_MS: positiveInt(10_000),
  OUTBOX_GRACE_MS: positiveInt(60_000),
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

const recordingsSchema = z.intersection(
  common,
  z.discriminatedUnion('RECORDING_PROVIDER', [freeswitch, simulated]),
);

/** Settings of the `recordings` function (and the outbox sweep), parsed once at cold start. */
export type RecordingsConfig = z.infer<typeof recordingsSchema>;

/** Settings of the outbox sweep. */
export type OutboxSweepConfig = z.infer<typeof common>;

type Env = Record<string, string | undefined>;

function parseEnv<T extends z.ZodMiniType>(schema: T, env: Env): z.infer<T> {
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

const flag = z.pipe(
  z._default(z.enum(['true', 'false']), 'false'),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

const webhookSenderSchema = z.object({
  TABLE_NAME: text(3),
  WEBHOOK_QUEUE_URL: z.url(),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  WEBHOOK_MAX_ATTEMPTS: positiveInt(24),
  WEBHOOK_RETRY_BASE_SECONDS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 30),
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

const portSchema = z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535));

const localSchema = z.object({
  PORT: z._default(portSchema, 3000),
  // Where the demo webhook goes; by default the inspector built into the local server.
  MINIVOICE_WEBHOOK_URL: z.optional(z.url()),
  MINIVOICE_LOCAL_DIR: z._default(text(), '.local'),
  LOCAL_DYNAMODB_PORT: z._default(portSchema, 8000),
  LOCAL_SQS_PORT: z._default(portSchema, 9324),
});

/** Settings of `npm start` (the local stand-in for AWS). */
export type LocalConfig = z.infer<typeof localSchema>;

/** Parses `npm start`'s environment. */
export function loadLocalConfig(env: Env): LocalConfig {
  return parseEnv(localSchema, env);
}

const adminSchema = z.object({
  TABLE_NAME: z.optional(text(3)),
  WEBHOOK_QUEUE_URL: z.optional(z.url()),
  WEBHOOK_DLQ_URL: z.optional(z.url()),
  MINIVOICE_LOCAL_DIR: z._default(text(), '.local'),
});

/** Settings of the admin CLI (resource names may instead come from a running `npm start`). */
export type AdminConfig = z.infer<typeof adminSchema>;

/** Parses the admin CLI's environment. */
export function loadAdminConfig(env: Env): AdminConfig {
  return parseEnv(adminSchema, env);
}
