import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_WEBHOOK_SECRETS_KEY } from '../scripts/emulators/local-kms.ts';
import { startSimulatedFreeSwitch } from '../scripts/local/simulated-freeswitch/server.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { apiEvent, BENCH_ALLOWANCE, freshTable, QUICK, round, runNode } from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { BUILD_DIR, type buildAll } from './build-bundles.ts';
import { webhookEvent } from './cold-start.ts';
import { seedBenchTenant, writeAll } from './seed-data.ts';
import { putWebhookApplication, startCountingReceiver } from './webhook-receiver.ts';

/** Samples per figure (the first WARMUP of them are not counted). */
const SAMPLES = QUICK ? 40 : 300;
const WARMUP = QUICK ? 10 : 30;

/** What the driver prints: CPU ms per counted sample, by step, for the function and its floor. */
interface DriverOut {
  ours: Record<string, number[]>;
  floor: Record<string, number[]>;
  calls: Record<string, number>;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Copies every item of `from` into `to` (a twin the floor's calls go to, so each evaluates alike). */
async function copyTable(documents: DynamoDBDocumentClient, from: string, to: string) {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start }));
    await writeAll(documents, to, (page.Items ?? []) as Record<string, unknown>[]);
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * Warm CPU per request of the recordings function (start, idempotent start, stop) and per delivery of
 * the webhook-sender, each in a process of its own running the production bundle, next to the floor
 * its driver measures right after every request in the same process: the same DynamoDB commands through
 * bare SDK clients (to a twin table), the same Event Socket commands on a bare socket (to a twin media
 * server), and for a delivery a bare HMAC-signed fetch POST. See bench/warm-cpu-driver.mjs.
 */
export async function warmCpu(bundles: Awaited<ReturnType<typeof buildAll>>, media: BenchMediaServer) {
  const clients = createAwsClients();
  const { documents } = clients;
  const sqs = clients.sqs();
  const table = 'bench-warm-cpu';
  const twinTable = `${table}-twin`;
  const queueUrl = await freshTable(documents, sqs, table);
  await freshTable(documents, sqs, twinTable);
  const dlqUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `${table}-webhooks-dlq` }))).QueueUrl ?? '';
  const tenant = await seedBenchTenant(documents, table, SAMPLES);
  const secret = 'whsec_warm_cpu';
  const receiver = await startCountingReceiver();
  await putWebhookApplication(documents, table, {
    id: tenant.applicationId,
    customerId: tenant.customerId,
    url: receiver.url,
    secret,
  });
  await copyTable(documents, table, twinTable);
  // The floor's media server: the same channels, nobody listening to its events.
  const twinFreeSwitch = await startSimulatedFreeSwitch({ soundsDir: join(BUILD_DIR, 'sounds') });
  for (const call of tenant.calls) {
    media.freeswitch.addChannel(call.provider_call_id as string);
    twinFreeSwitch.addChannel(call.provider_call_id as string);
  }
  const pipeline = await media.startPipeline({ table, webhookQueueUrl: queueUrl });
  const env = {
    ...process.env,
    ...media.env,
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    WEBHOOK_DLQ_URL: dlqUrl,
    WEBHOOK_SECRETS_KEY_ID: LOCAL_WEBHOOK_SECRETS_KEY.alias,
    WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: 'true',
    PUBLIC_API_URL: 'http://127.0.0.1:3000',
    // The real limiter, with an allowance the run never reaches (its write is part of the cost).
    RATE_LIMIT_PER_SECOND: String(BENCH_ALLOWANCE.perSecond),
    RATE_LIMIT_BURST: String(BENCH_ALLOWANCE.burst),
  };
  const drive = async (bundle: string, name: string, plan: Record<string, unknown>) => {
    const file = join(BUILD_DIR, `warm-cpu-${name}.json`);
    await writeFile(file, JSON.stringify({ table, twinTable, warmup: WARMUP, ...plan }));
    const out = await runNode([join(import.meta.dirname, 'warm-cpu-driver.mjs'), bundle, file], env);
    return JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '') as DriverOut;
  };
  try {
    const call = (id: string, action: string) =>
      apiEvent(`/v1/calls/${id}/recordings`, tenant.apiKey, JSON.stringify({ action }));
    const recordings = await drive(bundles.recordings.file, 'recordings', {
      eslPort: media.freeswitch.port,
      floorEsl: { host: '127.0.0.1', port: twinFreeSwitch.port, password: twinFreeSwitch.password },
      eslPathFrom: join(BUILD_DIR, 'recordings'),
      eslPathTo: join(BUILD_DIR, 'recordings-twin'),
      samples: tenant.calls.map((c) => [
        { name: 'start', event: call(c.id, 'start') },
        { name: 'idempotent', event: call(c.id, 'start') },
        { name: 'stop', event: call(c.id, 'stop') },
      ]),
    });
    const before = receiver.received();
    const sender = await drive(bundles.webhookSender.file, 'webhook-sender', {
      receiverUrl: receiver.url,
      webhookSecret: secret,
      samples: tenant.calls.map((c, i) => {
        const event = webhookEvent(i, tenant.applicationId, c.id, queueUrl);
        return [{ name: 'delivery', event, webhookBody: event.Records[0]?.body }];
      }),
    });
    // Each delivery and each floor POST reached the receiver: nothing was skipped or failed quietly.
    const posts = receiver.received() - before;
    if (posts !== 2 * SAMPLES) throw new Error(`${posts} POSTs for ${SAMPLES} deliveries`);
    const figures = (out: DriverOut) =>
      Object.fromEntries(
        Object.keys(out.ours).map((step) => {
          const ours = mean(out.ours[step] ?? []);
          const floor = mean(out.floor[step] ?? []);
          return [
            step,
            {
              cpu_ms: round(ours, 3),
              floor_cpu_ms: round(floor, 3),
              ratio: round(ours / floor),
              dynamodb_calls: out.calls[step],
            },
          ];
        }),
      );
    return { samples: SAMPLES - WARMUP, ...figures(recordings), ...figures(sender) };
  } finally {
    receiver.close();
    await pipeline.stop();
    await twinFreeSwitch.close();
  }
}
