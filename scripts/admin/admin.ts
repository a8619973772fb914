// Operator CLI for local and AWS tables alike. With --local it talks to a running `npm start`
// (endpoints and names from .local/runtime.json); otherwise to AWS with the usual credentials and
// TABLE_NAME / WEBHOOK_QUEUE_URL / WEBHOOK_DLQ_URL / RECORDINGS_BUCKET / WEBHOOK_SECRETS_KEY_ID from the
// environment. Prints JSON. Webhook secrets are sealed with KMS before they are stored, and shown in
// clear once, in the answer of the command that made them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  createLocalAwsClients,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbOutboxArchive } from '../../shared/adapters/dynamodb/dynamodb-outbox-archive.ts';
import { lazyKmsClient } from '../../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer, isKmsSealed } from '../../shared/adapters/kms/kms-secret-sealer.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { listDeadLetters, replayDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letters.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { readOutboxFailures } from '../../shared/adapters/sqs/sqs-outbox-failures.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import {
  createApiKey,
  createApplication,
  createCall,
  createCustomer,
  endCall,
  generateWebhookSecret,
  replayOutbox,
  revokeApiKey,
  rotateWebhookSecret,
  sealWebhookSecrets,
  setApplicationStatus,
  setRetention,
  setWebhook,
} from '../../shared/admin/admin-commands.ts';
import { AdminError } from '../../shared/admin/errors.ts';
import { deleteRecordingById } from '../../shared/archive/delete-recording.ts';
import { ApiError } from '../../shared/kernel/api-error.ts';
import { isCallActive } from '../../shared/recordings/call-rules.ts';
import { toEndpointView } from '../../shared/webhook-events/views.ts';
import type { SecretSealer } from '../../shared/webhooks/ports.ts';
import { createLocalMediaServers, type LocalMediaNode } from '../local/media-server-control.ts';
import { loadAdminConfig } from './config.ts';

const USAGE = `usage: npm run admin -- [--local] <command> [options]
  create-customer --name NAME
  create-application --customer ID [--webhook-url URL] [--webhook-secret S | --generate-secret]
  create-key --application ID [--mode test|live]          (prints the key once)
  revoke-key --key KEY | --hash SHA256
  set-webhook --application ID --url URL [--webhook-secret S | --generate-secret]
                                                           (re-enables the endpoint, requeues parked events)
  rotate-webhook-secret --application ID [--keep-previous-hours H]
                                                           (new secret printed once; old one signs too for H h, default 24)
  seal-webhook-secrets                                     (seals secrets stored in plaintext by earlier versions; run again
                                                            until changed_meanwhile is empty)
  webhook-endpoint --application ID                        (its status: active, failing, disabled, gone)
  redeliver-parked --application ID [--since RFC3339]      (queues the parked events again)
  set-application-status --application ID --status active|disabled
                                                           (disabled: every key refused at once; active: each key
                                                            accepted again once its copy is updated, all of them
                                                            when the command ends; run again if interrupted)
  set-retention --application ID --days N                  (days recordings are kept; 0 = forever)
  create-call --application ID [--id call_x] [--provider-call-id UUID] [--media-node NAME]
              [--status S] [--direction D] [--from N] [--to N]
                                                           (--media-node: the media server holding the channel,
                                                            a name of ESL_NODES; --local: npm start's by default)
  end-call --call ID [--status completed|failed|canceled|busy|no_answer]   (--local: hangs up its channel)
  list-recordings --call ID
  delete-recording --recording ID                           (audio deleted, recording.deleted sent)
  delivery --event evt_ID                                   (was it delivered, when, after how many tries)
  dlq-list [--limit N]                                      (the webhook DLQ: messages the sender could not handle)
  dlq-replay [--limit N]
  outbox-replay --since RFC3339 --until RFC3339 | --from-dlq
                                                           (queues again the events committed in a window; --from-dlq:
                                                            the window of the stream batches in the outbox DLQ)`;

/** The command line, or one clear line and exit 2 when it cannot be read (e.g. `--days -1`). */
function readArguments() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        local: { type: 'boolean', default: false },
        name: { type: 'string' },
        customer: { type: 'string' },
        application: { type: 'string' },
        'webhook-url': { type: 'string' },
        url: { type: 'string' },
        'webhook-secret': { type: 'string' },
        'generate-secret': { type: 'boolean', default: false },
        mode: { type: 'string', default: 'test' },
        key: { type: 'string' },
        hash: { type: 'string' },
        status: { type: 'string' },
        id: { type: 'string' },
        'provider-call-id': { type: 'string' },
        'media-node': { type: 'string' },
        direction: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        call: { type: 'string' },
        recording: { type: 'string' },
        days: { type: 'string' },
        event: { type: 'string' },
        limit: { type: 'string', default: '100' },
        'keep-previous-hours': { type: 'string', default: '24' },
        since: { type: 'string' },
        until: { type: 'string' },
        'from-dlq': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}
const { positionals, values: opt } = readArguments();

function need(name: keyof typeof opt): string {
  const value = opt[name];
  if (typeof value !== 'string' || value === '') throw new AdminError(`--${name} is required`);
  return value;
}

async function connect() {
  const config = loadAdminConfig(process.env);
  if (!opt.local) {
    if (!config.TABLE_NAME) throw new AdminError('set TABLE_NAME (or use --local with npm start running)');
    return {
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
  const runtimeFile = join(config.MINIVOICE_LOCAL_DIR, 'runtime.json');
  const runtime = JSON.parse(
    await readFile(runtimeFile, 'utf8').catch(() => {
      throw new AdminError(`no ${runtimeFile}: is npm start running?`);
    }),
  ) as {
    dynamodb_endpoint: string;
    sqs_endpoint: string;
    s3_endpoint: string;
    table_name: string;
    bucket: string;
    queue_url: string;
    dlq_url: string;
    esl_nodes: LocalMediaNode[];
    esl_password: string;
    kms_endpoint: string;
    webhook_secrets_key_id: string;
  };
  return {
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

/**
 * `--local end-call`: hangs the call's channel up on the simulated FreeSWITCH, as a caller would. The
 * media events then end its recording and the call; this waits (up to 10 s) to show the ended call.
 */
async function hangUpLocally(
  callId: string,
  store: ReturnType<typeof createDynamoDbAdminStore>,
  media: ReturnType<typeof createLocalMediaServers>,
) {
  const call = await store.getCall(callId);
  if (!call?.provider_call_id || !isCallActive(call))
    throw new AdminError(`no active call ${callId} with a channel`);
  await localNode(media, call.media_node).hangup(call.provider_call_id);
  for (let i = 0; i < 50; i += 1) {
    const now = await store.getCall(callId);
    if (now && !isCallActive(now)) return now;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new AdminError(
    `the channel of ${callId} hung up, but the call has not ended yet: is npm start running?`,
  );
}

/** The call control of one of `npm start`'s media servers (its only one when none is named). */
function localNode(media: ReturnType<typeof createLocalMediaServers>, name: string | undefined) {
  const node = media.controlOf(name);
  if (!node) throw new AdminError(`npm start runs no media node ${name} (it runs ${media.names.join(', ')})`);
  return node;
}

async function run(command: string | undefined): Promise<unknown> {
  const aws = await connect();
  const store = createDynamoDbAdminStore(aws.clients.documents, aws.table);
  const deps = { store, clock: systemClock, ids: randomIds };
  const secret = () => (opt['generate-secret'] ? generateWebhookSecret() : opt['webhook-secret']);
  /** The KMS sealer; without a key configured, a refusal at the first seal (commands storing no secret run). */
  const sealer = (): SecretSealer => {
    if (aws.secretsKeyId) return createKmsSecretSealer(aws.kms, aws.secretsKeyId);
    const refuse = async (): Promise<never> => {
      throw new AdminError('set WEBHOOK_SECRETS_KEY_ID (the KMS key webhook secrets are sealed with)');
    };
    return { isSealed: isKmsSealed, seal: refuse, open: refuse };
  };
  const dlq = () => {
    if (!aws.dlqUrl || !aws.queueUrl) throw new AdminError('set WEBHOOK_QUEUE_URL and WEBHOOK_DLQ_URL');
    return { dlqUrl: aws.dlqUrl, queueUrl: aws.queueUrl };
  };
  const queue = () => {
    if (!aws.queueUrl) throw new AdminError('set WEBHOOK_QUEUE_URL');
    return createSqsEventQueue(aws.clients.sqs, aws.queueUrl);
  };
  switch (command) {
    case 'create-customer':
      return createCustomer({ name: need('name') }, deps);
    case 'create-application': {
      const webhookSecret = secret();
      return createApplication(
        {
          customerId: need('customer'),
          ...(opt['webhook-url'] ? { webhookUrl: opt['webhook-url'] } : {}),
          ...(webhookSecret ? { webhookSecret } : {}),
        },
        { ...deps, sealer: sealer() },
      );
    }
    case 'create-key': {
      if (opt.mode !== 'test' && opt.mode !== 'live') throw new AdminError('--mode must be test or live');
      return createApiKey({ applicationId: need('application'), mode: opt.mode }, deps);
    }
    case 'revoke-key':
      await revokeApiKey(
        { ...(opt.key ? { key: opt.key } : {}), ...(opt.hash ? { keyHash: opt.hash } : {}) },
        deps,
      );
      return { revoked: true };
    case 'set-webhook':
      return setWebhook(
        { applicationId: need('application'), url: need('url'), secret: secret() },
        { store, queue: queue(), sealer: sealer() },
      );
    case 'rotate-webhook-secret': {
      const hours = opt['keep-previous-hours'] ?? '';
      return rotateWebhookSecret(
        {
          applicationId: need('application'),
          keepPreviousHours: /^\d+$/.test(hours) ? Number(hours) : Number.NaN,
        },
        { ...deps, sealer: sealer() },
      );
    }
    case 'seal-webhook-secrets':
      return sealWebhookSecrets({ store, sealer: sealer() });
    case 'webhook-endpoint': {
      const application = await store.getApplication(need('application'));
      if (!application) throw new AdminError(`no application ${opt.application}`);
      return { application_id: application.id, ...toEndpointView(application, new Date()) };
    }
    case 'redeliver-parked': {
      const since = opt.since;
      if (since !== undefined && Number.isNaN(Date.parse(since)))
        throw new AdminError('--since must be an RFC 3339 time');
      await queue().requestRedrive({ application_id: need('application'), ...(since ? { since } : {}) });
      return { application_id: opt.application, ...(since ? { since } : {}), parked_events: 'requeued' };
    }
    case 'set-application-status':
      return setApplicationStatus({ applicationId: need('application'), status: need('status') }, deps);
    case 'create-call': {
      // Locally the call gets a channel on a simulated FreeSWITCH, and names that media server, as call
      // control would give them; in AWS they are what call control said.
      const local = aws.media ? localNode(aws.media, opt['media-node']) : undefined;
      const providerCallId = local ? await local.originate(opt['provider-call-id']) : opt['provider-call-id'];
      const mediaNode = local?.name ?? opt['media-node'];
      return createCall(
        {
          applicationId: need('application'),
          ...(opt.id ? { id: opt.id } : {}),
          ...(providerCallId ? { providerCallId } : {}),
          ...(mediaNode !== undefined ? { mediaNode } : {}),
          ...(opt.status ? { status: opt.status } : {}),
          ...(opt.direction ? { direction: opt.direction } : {}),
          ...(opt.from ? { from: opt.from } : {}),
          ...(opt.to ? { to: opt.to } : {}),
        },
        deps,
      );
    }
    case 'end-call': {
      const callId = need('call');
      if (aws.media) return hangUpLocally(callId, store, aws.media);
      await endCall({ callId, ...(opt.status ? { status: opt.status } : {}) }, deps);
      return store.getCall(callId);
    }
    case 'set-retention': {
      const days = need('days');
      return setRetention(
        { applicationId: need('application'), days: /^\d+$/.test(days) ? Number(days) : Number.NaN },
        deps,
      );
    }
    case 'list-recordings':
      return { recordings: await store.listRecordings(need('call')) };
    case 'delete-recording': {
      if (!aws.bucket) throw new AdminError('set RECORDINGS_BUCKET');
      return deleteRecordingById(need('recording'), {
        archive: createDynamoDbArchiveStore(aws.clients.documents, aws.table),
        media: createS3RecordingMedia(aws.clients.s3, aws.bucket),
        clock: systemClock,
        ids: randomIds,
        logger: createJsonLogger({ service: 'admin' }, (_level, line) => console.error(line)),
      });
    }
    case 'delivery':
      return (
        (await store.getDelivery(need('event'))) ?? {
          event_id: opt.event,
          status: 'unknown: no attempt recorded',
        }
      );
    case 'outbox-replay': {
      const outbox = createDynamoDbOutboxArchive(aws.clients.documents, aws.table);
      if (!opt['from-dlq']) {
        return replayOutbox({ since: need('since'), until: need('until') }, { outbox, queue: queue() });
      }
      if (!aws.outboxDlqUrl) throw new AdminError('set OUTBOX_DLQ_URL');
      const failures = await readOutboxFailures(aws.clients.sqs(), aws.outboxDlqUrl);
      if (!failures.window) return { failed_batches: 0, queued: 0 };
      const replayed = await replayOutbox(failures.window, { outbox, queue: queue() });
      await failures.acknowledge();
      return { failed_batches: failures.count, ...replayed };
    }
    case 'dlq-list':
      return { dead_letters: await listDeadLetters(aws.clients.sqs(), dlq().dlqUrl, Number(opt.limit)) };
    case 'dlq-replay':
      return { replayed: await replayDeadLetters(aws.clients.sqs(), dlq(), Number(opt.limit)) };
    default:
      throw new AdminError(USAGE);
  }
}

try {
  console.log(JSON.stringify(await run(positionals[0]), null, 2));
} catch (error) {
  // A refusal (bad input, nothing to act on) is one line; anything else the full error.
  if (error instanceof ApiError) console.error(`${error.code}: ${error.message}`);
  else console.error(error instanceof AdminError ? error.message : error);
  process.exitCode = error instanceof AdminError || error instanceof ApiError ? 2 : 1;
}
