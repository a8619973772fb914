import * as z from 'zod/mini';
import { type Env, parseEnv, text } from '../../shared/kernel/env.ts';

const schema = z.object({
  TABLE_NAME: z.optional(text(3)),
  WEBHOOK_QUEUE_URL: z.optional(z.url()),
  WEBHOOK_DLQ_URL: z.optional(z.url()),
  // The outbox relay's on-failure queue (the stack's OutboxDeadLetterQueueUrl output), for outbox-replay --from-dlq.
  OUTBOX_DLQ_URL: z.optional(z.url()),
  // The recordings bucket (the stack's RecordingsBucketName output), for delete-recording.
  RECORDINGS_BUCKET: z.optional(text(3)),
  // The KMS key webhook secrets are sealed with (the stack's WebhookSecretsKeyArn output): needed by the
  // commands that store a secret (create-application/set-webhook with one, rotate-webhook-secret,
  // seal-webhook-secrets). --local uses npm start's KMS stand-in instead.
  WEBHOOK_SECRETS_KEY_ID: z.optional(text(1)),
  MINIVOICE_LOCAL_DIR: z._default(text(), '.local'),
});

/** Settings of the admin CLI (resource names may instead come from a running `npm start`). */
export type AdminConfig = z.infer<typeof schema>;

/** Parses the admin CLI's environment. */
export function loadAdminConfig(env: Env): AdminConfig {
  return parseEnv(schema, env);
}
