import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AwsClients,
  createAwsClients,
  createLocalAwsClients,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../shared/adapters/aws/aws-clients.ts';
import { lazyKmsClient } from '../../shared/adapters/kms/kms-client.ts';
import { AdminError } from '../../shared/admin/errors.ts';
import type { Env } from '../../shared/kernel/env.ts';
import { createLocalMediaServers, type LocalMediaNode } from '../local/media-server-control.ts';
import { type AdminConfig, loadAdminConfig } from './config.ts';

/** Where the commands act: the clients and the resources' names, from AWS settings or a running `npm start`. */
export interface Connection {
  /** On the running `npm start` (--local), not AWS. */
  local: boolean;
  clients: AwsClients;
  table: string;
  queueUrl: string | undefined;
  dlqUrl: string | undefined;
  outboxDlqUrl: string | undefined;
  bucket: string | undefined;
  /** `npm start`'s media servers (--local only: in AWS, call control owns the channels). */
  media: ReturnType<typeof createLocalMediaServers> | undefined;
  kms: ReturnType<typeof lazyKmsClient>;
  secretsKeyId: string | undefined;
}

/** What `npm start` writes to `.local/runtime.json` for the CLI. */
interface LocalRuntime {
  dynamodb_endpoint: string;
  sqs_endpoint: string;
  s3_endpoint: string;
  table_name: string;
  bucket: string;
  queue_url: string;
  dlq_url: string;
  esl_nodes?: LocalMediaNode[];
  esl_password?: string;
  kms_endpoint: string;
  webhook_secrets_key_id: string;
}

/**
 * Connects to AWS (settings from the environment, the SDK's credentials) or, with `local`, to the running
 * `npm start` (its `.local/runtime.json`). A missing or invalid setting is an {@link AdminError} saying
 * what to set; nothing is sent yet.
 */
export async function connect(local: boolean, env: Env): Promise<Connection> {
  const config = readConfig(env);
  return local ? connectLocal(config) : connectAws(config);
}

function readConfig(env: Env): AdminConfig {
  try {
    return loadAdminConfig(env);
  } catch (error) {
    throw new AdminError(error instanceof Error ? error.message : String(error));
  }
}

function connectAws(config: AdminConfig): Connection {
  if (!config.TABLE_NAME) throw new AdminError('set TABLE_NAME (or use --local with npm start running)');
  return {
    local: false,
    clients: createAwsClients(),
    table: config.TABLE_NAME,
    queueUrl: config.WEBHOOK_QUEUE_URL,
    dlqUrl: config.WEBHOOK_DLQ_URL,
    outboxDlqUrl: config.OUTBOX_DLQ_URL,
    bucket: config.RECORDINGS_BUCKET,
    media: undefined,
    kms: lazyKmsClient(),
    secretsKeyId: config.WEBHOOK_SECRETS_KEY_ID,
  };
}

async function connectLocal(config: AdminConfig): Promise<Connection> {
  const runtimeFile = join(config.MINIVOICE_LOCAL_DIR, 'runtime.json');
  let runtime: LocalRuntime;
  try {
    runtime = JSON.parse(await readFile(runtimeFile, 'utf8')) as LocalRuntime;
  } catch {
    throw new AdminError(
      `npm start is not running (no ${runtimeFile}): start it with npm start, or set MINIVOICE_LOCAL_DIR to its data directory`,
    );
  }
  return {
    local: true,
    clients: createLocalAwsClients({
      dynamodb: runtime.dynamodb_endpoint,
      sqs: runtime.sqs_endpoint,
      s3: runtime.s3_endpoint,
    }),
    table: runtime.table_name,
    queueUrl: runtime.queue_url,
    dlqUrl: runtime.dlq_url,
    // Locally the stream stand-in retries for ever: nothing reaches an outbox DLQ.
    outboxDlqUrl: undefined,
    bucket: runtime.bucket,
    media: createLocalMediaServers(runtime.esl_nodes ?? [], runtime.esl_password ?? ''),
    kms: lazyKmsClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: runtime.kms_endpoint,
    }),
    secretsKeyId: runtime.webhook_secrets_key_id,
  };
}
