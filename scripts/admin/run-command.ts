// Carries out one checked admin command (command-line.ts read it) and returns what to print. Loaded
// only once the command line passed its checks; each command loads just the adapters it uses.
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import type { lazyKmsClient } from '../../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer, isKmsSealed } from '../../shared/adapters/kms/kms-secret-sealer.ts';
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
import type { Env } from '../../shared/kernel/env.ts';
import { isCallActive } from '../../shared/recordings/call-rules.ts';
import type { SecretSealer } from '../../shared/webhooks/ports.ts';
import type { createLocalMediaServers } from '../local/media-server-control.ts';
import type { OptionValues } from './command-catalog.ts';
import { type Connection, connect } from './connect.ts';

type MediaServers = ReturnType<typeof createLocalMediaServers>;
type AdminStore = ReturnType<typeof createDynamoDbAdminStore>;

/** Runs `command` (already checked) against AWS or, with `local`, the running `npm start`. */
export async function runCommand(
  command: string,
  options: OptionValues,
  local: boolean,
  env: Env,
): Promise<unknown> {
  const aws = await connect(local, env);
  try {
    return await run(command, options, aws);
  } finally {
    aws.clients.destroy();
  }
}

async function run(command: string, opt: OptionValues, aws: Connection): Promise<unknown> {
  const text = (name: string) => (typeof opt[name] === 'string' ? (opt[name] as string) : undefined);
  const need = (name: string) => {
    const value = text(name);
    if (value === undefined) throw new AdminError(`--${name} is required`);
    return value;
  };
  const store = createDynamoDbAdminStore(aws.clients.documents, aws.table);
  const deps = { store, clock: systemClock, ids: randomIds };
  const secret = () => (opt['generate-secret'] ? generateWebhookSecret() : text('webhook-secret'));
  const sealer = () => kmsSealer(aws.kms, aws.secretsKeyId);
  const dlq = () => {
    if (!aws.dlqUrl || !aws.queueUrl) throw new AdminError('set WEBHOOK_QUEUE_URL and WEBHOOK_DLQ_URL');
    return { dlqUrl: aws.dlqUrl, queueUrl: aws.queueUrl };
  };
  const queue = async () => {
    if (!aws.queueUrl) throw new AdminError('set WEBHOOK_QUEUE_URL');
    const { createSqsEventQueue } = await import('../../shared/adapters/sqs/sqs-event-queue.ts');
    return createSqsEventQueue(aws.clients.sqs, aws.queueUrl);
  };
  switch (command) {
    case 'create-customer':
      return createCustomer({ name: need('name') }, deps);
    case 'create-application': {
      const webhookSecret = secret();
      const webhookUrl = text('webhook-url');
      return createApplication(
        {
          customerId: need('customer'),
          ...(webhookUrl ? { webhookUrl } : {}),
          ...(webhookSecret ? { webhookSecret } : {}),
        },
        { ...deps, sealer: sealer() },
      );
    }
    case 'create-key':
      return createApiKey(
        { applicationId: need('application'), mode: need('mode') as 'test' | 'live' },
        deps,
      );
    case 'revoke-key': {
      const key = text('key');
      const hash = text('hash');
      await revokeApiKey({ ...(key ? { key } : {}), ...(hash ? { keyHash: hash } : {}) }, deps);
      return { revoked: true };
    }
    case 'set-webhook':
      return setWebhook(
        { applicationId: need('application'), url: need('url'), secret: secret() },
        { store, queue: await queue(), sealer: sealer() },
      );
    case 'rotate-webhook-secret':
      return rotateWebhookSecret(
        { applicationId: need('application'), keepPreviousHours: Number(need('keep-previous-hours')) },
        { ...deps, sealer: sealer() },
      );
    case 'seal-webhook-secrets':
      return sealWebhookSecrets({ store, sealer: sealer() });
    case 'webhook-endpoint': {
      const { toEndpointView } = await import('../../shared/webhook-events/views.ts');
      const application = await store.getApplication(need('application'));
      if (!application) throw new AdminError(`no application ${need('application')}`);
      return { application_id: application.id, ...toEndpointView(application, new Date()) };
    }
    case 'redeliver-parked': {
      const since = text('since');
      await (await queue()).requestRedrive({
        application_id: need('application'),
        ...(since ? { since } : {}),
      });
      return { application_id: need('application'), ...(since ? { since } : {}), parked_events: 'requeued' };
    }
    case 'set-application-status':
      return setApplicationStatus({ applicationId: need('application'), status: need('status') }, deps);
    case 'create-call':
      return createCallAs(opt, text, need, aws.media, deps);
    case 'end-call': {
      const callId = need('call');
      if (aws.media) return hangUpLocally(callId, store, aws.media);
      const status = text('status');
      await endCall({ callId, ...(status ? { status } : {}) }, deps);
      return store.getCall(callId);
    }
    case 'set-retention':
      return setRetention({ applicationId: need('application'), days: Number(need('days')) }, deps);
    case 'list-recordings':
      return { recordings: await store.listRecordings(need('call')) };
    case 'delete-recording':
      return deleteRecording(need('recording'), aws);
    case 'delivery':
      return (
        (await store.getDelivery(need('event'))) ?? {
          event_id: need('event'),
          status: 'unknown: no attempt recorded',
        }
      );
    case 'outbox-replay':
      return replayWindow(opt, aws, queue);
    case 'dlq-list': {
      const { listDeadLetters } = await import('../../shared/adapters/sqs/sqs-dead-letters.ts');
      return { dead_letters: await listDeadLetters(aws.clients.sqs(), dlq().dlqUrl, Number(need('limit'))) };
    }
    case 'dlq-replay': {
      const { replayDeadLetters } = await import('../../shared/adapters/sqs/sqs-dead-letters.ts');
      return { replayed: await replayDeadLetters(aws.clients.sqs(), dlq(), Number(need('limit'))) };
    }
    default:
      throw new AdminError(`no command ${command}`);
  }
}

/** The KMS sealer; without a key configured, a refusal at the first seal (commands storing no secret run). */
function kmsSealer(kms: ReturnType<typeof lazyKmsClient>, keyId: string | undefined): SecretSealer {
  if (keyId) return createKmsSecretSealer(kms, keyId);
  const refuse = async (): Promise<never> => {
    throw new AdminError('set WEBHOOK_SECRETS_KEY_ID (the KMS key webhook secrets are sealed with)');
  };
  return { isSealed: isKmsSealed, seal: refuse, open: refuse };
}

/**
 * Locally the call gets a channel on a simulated FreeSWITCH, and names that media server, as call
 * control would give them; in AWS they are what call control said.
 */
async function createCallAs(
  opt: OptionValues,
  text: (name: string) => string | undefined,
  need: (name: string) => string,
  media: MediaServers | undefined,
  deps: Parameters<typeof createCall>[1],
) {
  const local = media ? localNode(media, text('media-node')) : undefined;
  const providerCallId = local ? await local.originate(text('provider-call-id')) : text('provider-call-id');
  const mediaNode = local?.name ?? text('media-node');
  const fields = ['id', 'status', 'direction', 'from', 'to'] as const;
  return createCall(
    {
      applicationId: need('application'),
      ...Object.fromEntries(fields.flatMap((name) => (opt[name] ? [[name, text(name)]] : []))),
      ...(providerCallId ? { providerCallId } : {}),
      ...(mediaNode !== undefined ? { mediaNode } : {}),
    },
    deps,
  );
}

/**
 * `--local end-call`: hangs the call's channel up on the simulated FreeSWITCH, as a caller would. The
 * media events then end its recording and the call; this waits (up to 10 s) to show the ended call.
 */
async function hangUpLocally(callId: string, store: AdminStore, media: MediaServers) {
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
function localNode(media: MediaServers, name: string | undefined) {
  const node = media.controlOf(name);
  if (!node) throw new AdminError(`npm start runs no media node ${name} (it runs ${media.names.join(', ')})`);
  return node;
}

async function deleteRecording(recordingId: string, aws: Connection) {
  if (!aws.bucket) throw new AdminError('set RECORDINGS_BUCKET');
  const [
    { deleteRecordingById },
    { createDynamoDbArchiveStore },
    { createS3RecordingMedia },
    { createJsonLogger },
  ] = await Promise.all([
    import('../../shared/archive/delete-recording.ts'),
    import('../../shared/adapters/dynamodb/dynamodb-archive-store.ts'),
    import('../../shared/adapters/s3/s3-recording-media.ts'),
    import('../../shared/adapters/system/json-logger.ts'),
  ]);
  return deleteRecordingById(recordingId, {
    archive: createDynamoDbArchiveStore(aws.clients.documents, aws.table),
    media: createS3RecordingMedia(aws.clients.s3, aws.bucket),
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'admin' }, (_level, line) => console.error(line)),
  });
}

async function replayWindow(
  opt: OptionValues,
  aws: Connection,
  queue: () => Promise<
    Awaited<ReturnType<typeof import('../../shared/adapters/sqs/sqs-event-queue.ts').createSqsEventQueue>>
  >,
) {
  const { createDynamoDbOutboxArchive } = await import(
    '../../shared/adapters/dynamodb/dynamodb-outbox-archive.ts'
  );
  const outbox = createDynamoDbOutboxArchive(aws.clients.documents, aws.table);
  if (!opt['from-dlq']) {
    return replayOutbox(
      { since: opt.since as string, until: opt.until as string },
      { outbox, queue: await queue() },
    );
  }
  if (!aws.outboxDlqUrl)
    throw new AdminError(
      aws.local
        ? 'npm start has no outbox DLQ (its stream stand-in retries until the relay takes each batch): give --since and --until'
        : 'set OUTBOX_DLQ_URL',
    );
  const { readOutboxFailures } = await import('../../shared/adapters/sqs/sqs-outbox-failures.ts');
  const failures = await readOutboxFailures(aws.clients.sqs(), aws.outboxDlqUrl);
  if (!failures.window) return { failed_batches: 0, queued: 0 };
  const replayed = await replayOutbox(failures.window, { outbox, queue: await queue() });
  await failures.acknowledge();
  return { failed_batches: failures.count, ...replayed };
}
