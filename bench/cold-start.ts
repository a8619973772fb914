import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { LOCAL_WEBHOOK_SECRETS_KEY } from '../scripts/emulators/local-kms.ts';
import { startLocalSecretsManager } from '../scripts/emulators/local-secrets-manager.ts';
import { toLambdaRecord } from '../scripts/local/sqs-event-source.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { toCallItem } from '../shared/adapters/dynamodb/item-mappers.ts';
import { KEY_ATTRIBUTES } from '../shared/adapters/dynamodb/table-schema.ts';
import { toSqsMessageAttributes } from '../shared/adapters/sqs/sqs-webhook-message.ts';
import { serializeWebhookMessage } from '../shared/webhooks/webhook-message.ts';
import { apiEvent, COLD_STARTS, freshTable, median, percentile, round, runNode } from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { BUILD_DIR, type buildAll } from './build-bundles.ts';
import { seedBenchTenant } from './seed-data.ts';
import { putWebhookApplication, startCountingReceiver } from './webhook-receiver.ts';

/** The driver's figures: its last line (the function's own log and metric lines come before it). */
interface DriverLine {
  importMs: number;
  firstRequestMs: number;
  statusCode?: number;
  /** An SQS-triggered function's `batchItemFailures` count. */
  failures?: number;
  jsBytes: number;
  modules: number;
}

/** The webhook secret the sender's cold starts open (sealed with the local KMS key, as in AWS). */
const SENDER_SECRET = 'whsec_cold_start';

/**
 * Fresh-process import + first request of each function on the path production takes, against the
 * floor, a bare DocumentClient + one GetItem bundle, interleaved sample by sample with the spawn order
 * rotating:
 * - recordings: a real start (a call with a channel on the simulated FreeSWITCH, a new call every sample,
 *   so never the idempotent path), the Event Socket password read from Secrets Manager at init (a local
 *   stand-in on its wire protocol), as `ESL_PASSWORD_SECRET_ARN` makes it in AWS;
 * - webhook-sender: one queued event delivered (a new event every sample), its application's webhook
 *   secret opened through KMS (the local stand-in), signed and POSTed to a receiver.
 * A trivial handler is timed beside them for information only. Every answer is checked (status 200, no
 * batch item failure, the webhook received): a quick error must not pass for a cold start.
 */
export async function coldStart(bundles: Awaited<ReturnType<typeof buildAll>>, media: BenchMediaServer) {
  const clients = createAwsClients();
  const { documents } = clients;
  const sqs = clients.sqs();
  const table = 'bench-cold-start';
  const queueUrl = await freshTable(documents, sqs, table);
  const dlqUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `${table}-webhooks-dlq` }))).QueueUrl ?? '';
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:bench-esl-password';
  const secretsManager = await startLocalSecretsManager({ [secretArn]: media.env.ESL_PASSWORD });
  const receiver = await startCountingReceiver();
  // One call and one event per timed sample and one of each for the untimed run that counts the
  // JavaScript loaded.
  const tenant = await seedBenchTenant(documents, table, COLD_STARTS + 1);
  await putWebhookApplication(documents, table, {
    id: tenant.applicationId,
    customerId: tenant.customerId,
    url: receiver.url,
    secret: SENDER_SECRET,
  });
  const startEvents: string[] = [];
  const senderEvents: string[] = [];
  for (const [i, call] of tenant.calls.entries()) {
    media.freeswitch.addChannel(call.provider_call_id as string);
    const file = join(BUILD_DIR, `cold-start-event-${i}.json`);
    await writeFile(
      file,
      JSON.stringify(apiEvent(`/v1/calls/${call.id}/recordings`, tenant.apiKey, '{"action":"start"}')),
    );
    startEvents.push(file);
    const senderFile = join(BUILD_DIR, `cold-start-webhook-${i}.json`);
    await writeFile(senderFile, JSON.stringify(webhookEvent(i, tenant.applicationId, call.id, queueUrl)));
    senderEvents.push(senderFile);
  }
  const firstCall = tenant.calls[0];
  if (!firstCall) throw new Error('no call');
  const item = toCallItem(firstCall);
  const { ESL_PASSWORD: _fixedPassword, ...mediaEnv } = media.env;
  const env = {
    ...process.env,
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    WEBHOOK_DLQ_URL: dlqUrl,
    WEBHOOK_SECRETS_KEY_ID: LOCAL_WEBHOOK_SECRETS_KEY.alias,
    WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: 'true',
    PUBLIC_API_URL: 'http://127.0.0.1:3000',
    // The floor reads an existing item (the first call's), so it unmarshals a real item as well.
    FLOOR_KEY: JSON.stringify({
      [KEY_ATTRIBUTES.partition]: item[KEY_ATTRIBUTES.partition],
      [KEY_ATTRIBUTES.sort]: item[KEY_ATTRIBUTES.sort],
    }),
    ...mediaEnv,
    ESL_PASSWORD_SECRET_ARN: secretArn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
  };
  const driver = join(import.meta.dirname, 'cold-start-driver.mjs');
  const run = async (bundle: string, eventFile: string, what: string, extraEnv = {}) => {
    const before = receiver.received();
    const r = await runNode([driver, bundle, eventFile], { ...env, ...extraEnv });
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as DriverLine;
    const ok =
      line.failures === undefined
        ? line.statusCode === 200
        : line.failures === 0 && receiver.received() === before + 1;
    if (!ok)
      throw new Error(`cold start of ${what} answered ${line.statusCode ?? `${line.failures} failures`}`);
    return { ms: r.ms, line };
  };
  try {
    // Untimed: the JavaScript each loads at cold start (counting adds a hook to every module load).
    const count = { COLD_START_COUNT_JS: '1' };
    const countStart = startEvents[COLD_STARTS] ?? '';
    const recordingsJs = (await run(bundles.recordings.file, countStart, 'recordings', count)).line;
    const floorJs = (await run(bundles.floor.file, countStart, 'floor', count)).line;
    const senderJs = (
      await run(bundles.webhookSender.file, senderEvents[COLD_STARTS] ?? '', 'webhook-sender', count)
    ).line;
    const secretReads = secretsManager.requests.length;
    const times = { floor: [] as number[], recordings: [] as number[], sender: [] as number[] };
    const trivial: number[] = [];
    const inside: DriverLine[] = [];
    for (let i = 0; i < COLD_STARTS; i += 1) {
      const spawns = [
        async () =>
          times.floor.push((await run(bundles.floor.file, startEvents[i] ?? '', 'floor GetItem')).ms),
        async () => {
          const r = await run(bundles.recordings.file, startEvents[i] ?? '', 'recordings (real start)');
          times.recordings.push(r.ms);
          inside.push(r.line);
        },
        async () =>
          times.sender.push(
            (await run(bundles.webhookSender.file, senderEvents[i] ?? '', 'webhook-sender')).ms,
          ),
      ];
      // Rotate which goes first, so none always runs on the cooler (or warmer) machine.
      for (let k = 0; k < spawns.length; k += 1) await spawns[(i + k) % spawns.length]?.();
      trivial.push((await run(bundles.trivial.file, startEvents[i] ?? '', 'trivial')).ms);
    }
    // Each recordings cold start read the password once (the untimed one too): the init path is real.
    if (secretsManager.requests.length - secretReads !== COLD_STARTS)
      throw new Error('a recordings cold start did not read the ESL password from Secrets Manager');
    const stats = (values: number[]) => ({ p50: median(values), p90: percentile(values, 90) });
    const floor = stats(times.floor);
    const ours = stats(times.recordings);
    const sender = stats(times.sender);
    return {
      samples: COLD_STARTS,
      floor_ms: round(floor.p50),
      floor_p90_ms: round(floor.p90),
      recordings_ms: round(ours.p50),
      recordings_p90_ms: round(ours.p90),
      ratio: round(ours.p50 / floor.p50),
      p90_ratio: round(ours.p90 / floor.p90),
      webhook_sender_ms: round(sender.p50),
      webhook_sender_p90_ms: round(sender.p90),
      webhook_sender_ratio: round(sender.p50 / floor.p50),
      webhook_sender_p90_ratio: round(sender.p90 / floor.p90),
      trivial_ms: round(median(trivial)),
      ratio_to_trivial: round(ours.p50 / median(trivial)),
      recordings_import_ms: round(median(inside.map((r) => r.importMs))),
      recordings_first_request_ms: round(median(inside.map((r) => r.firstRequestMs))),
      recordings_js_loaded_bytes: recordingsJs.jsBytes,
      recordings_modules_loaded: recordingsJs.modules,
      webhook_sender_js_loaded_bytes: senderJs.jsBytes,
      webhook_sender_modules_loaded: senderJs.modules,
      floor_js_loaded_bytes: floorJs.jsBytes,
      floor_modules_loaded: floorJs.modules,
    };
  } finally {
    receiver.close();
    await secretsManager.stop();
  }
}

/** A Lambda SQS event carrying one outbox event, queued exactly as the outbox relay queues it. */
export function webhookEvent(i: number, applicationId: string, callId: string, queueUrl: string) {
  const message = serializeWebhookMessage({
    event_id: `evt_cold${i}_${Date.now()}`,
    event_type: 'recording.completed',
    application_id: applicationId,
    call_id: callId,
    created_at: '2026-11-24T10:00:00Z',
    occurred_at: '2026-11-24T10:00:00.000Z',
    body: JSON.stringify({
      event: 'recording.completed',
      created_at: '2026-11-24T10:00:00Z',
      call: { id: callId, application_id: applicationId },
      variables: {},
      data: { event_key: `rec_${callId}:recording.completed` },
    }),
  });
  const queueArn = `arn:aws:sqs:eu-west-1:000000000000:${queueUrl.split('/').pop()}`;
  return {
    Records: [
      toLambdaRecord(
        {
          MessageId: `msg-cold-${i}`,
          ReceiptHandle: `receipt-cold-${i}`,
          Body: message.body,
          MessageAttributes: toSqsMessageAttributes(message),
        },
        queueArn,
        1,
      ),
    ],
  };
}
