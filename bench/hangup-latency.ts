import { createServer } from 'node:http';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createRecordingsHandler } from '../functions/recordings/create-handler.ts';
import { createWebhookSenderHandler } from '../functions/webhook-sender/create-handler.ts';
import { LOCAL_WEBHOOK_SECRETS_KEY } from '../scripts/emulators/local-kms.ts';
import { createSqsEventSource, type SqsLambda } from '../scripts/local/sqs-event-source.ts';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { keys } from '../shared/adapters/dynamodb/table-schema.ts';
import { lazyKmsClient } from '../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../shared/adapters/kms/kms-secret-sealer.ts';
import { apiEvent, context, freshTable, listen, percentile, round } from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { benchRecordingsDeps, benchSenderDeps } from './bench-wiring.ts';
import { seedBenchTenant } from './seed-data.ts';

/** How long a recording runs before its call is hung up (the relay then has audio to store). */
const RECORDING_MS = 50;
const WAIT_MS = 30_000;

/**
 * Hangup to `recording.completed`: a recording started through the recordings handler, its call hung up
 * on the simulated FreeSWITCH, timed until the receiver has the signed `recording.completed` webhook. The
 * path is the production one: the media relay sees the hangup, stores the file in S3 and reports on the
 * media-events queue; the media-events function completes the recording (an outbox item); the outbox
 * relay reads the stream onto the webhook queue; the sender delivers. Interleaved sample by sample with
 * its floor, one bare SQS send → receive on the same emulator (one of the three queue hops the event
 * takes). The emulated pollers pause 20 ms when a queue is empty, as Lambda's pollers wait on AWS.
 */
export async function hangupLatency(media: BenchMediaServer, samples: number) {
  const clients = createAwsClients({ s3PathStyle: true });
  const sqs = clients.sqs();
  const table = 'bench-hangup';
  const queueUrl = await freshTable(clients.documents, sqs, table);
  const floorQueueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: 'bench-hangup-floor' }))).QueueUrl ?? '';
  const waiting = new Map<string, () => void>();
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      res.writeHead(204).end();
      const event = JSON.parse(body) as { event?: string; data?: { event_key?: string } };
      if (event.event !== 'recording.completed') return;
      const recordingId = event.data?.event_key?.split(':')[0] ?? '';
      waiting.get(recordingId)?.();
    });
  });
  const url = `${await listen(receiver)}/hook`;
  const tenant = await seedBenchTenant(clients.documents, table, samples);
  const sealer = createKmsSecretSealer(lazyKmsClient(), LOCAL_WEBHOOK_SECRETS_KEY.alias as string);
  await clients.documents.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.application(tenant.applicationId),
      UpdateExpression: 'SET webhook_url = :url, webhook_secret = :secret',
      ExpressionAttributeValues: {
        ':url': url,
        ':secret': await sealer.seal('whsec_bench', tenant.applicationId),
      },
    }),
  );
  for (const call of tenant.calls) media.freeswitch.addChannel(call.provider_call_id as string);
  const pipeline = await media.startPipeline({ table, webhookQueueUrl: queueUrl });
  const handler = createRecordingsHandler(
    benchRecordingsDeps(
      { documents: clients.documents, sqs, table, queueUrl },
      { media: pipeline.recordingMedia, provider: media.provider, files: media.files },
    ),
  );
  const senderClients = createAwsClients({ s3PathStyle: true });
  const senderSqs = senderClients.sqs();
  const deliveries = createSqsEventSource({
    sqs: senderSqs,
    queueUrl,
    handler: createWebhookSenderHandler(
      benchSenderDeps({ documents: senderClients.documents, sqs: senderSqs, table, queueUrl }, sealer),
    ) as unknown as SqsLambda,
    waitTimeSeconds: 0,
    emptyPauseMs: 20,
  });
  deliveries.start();

  /** One recording: started, left running briefly, its call hung up; ms until its webhook arrived. */
  async function hangup(call: (typeof tenant.calls)[number]): Promise<number> {
    const result = (await handler(
      apiEvent(`/v1/calls/${call.id}/recordings`, tenant.apiKey, '{"action":"start"}'),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== 200) throw new Error(`bench start answered ${result.statusCode}`);
    await new Promise((resolve) => setTimeout(resolve, RECORDING_MS));
    const completed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no recording.completed for ${call.id}`)), WAIT_MS);
      waiting.set(`rec_${call.id}`, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const started = performance.now();
    media.freeswitch.hangup(call.provider_call_id as string);
    await completed;
    return performance.now() - started;
  }
  /** One bare SQS message sent and received back (receives without waiting, as often as they can). */
  async function sqsRoundTrip(): Promise<number> {
    const started = performance.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: floorQueueUrl, MessageBody: '{"bench":true}' }));
    for (;;) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: floorQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }),
      );
      if (out.Messages?.length) return performance.now() - started;
    }
  }

  const times = { hangup: [] as number[], floor: [] as number[] };
  for (const [i, call] of tenant.calls.entries()) {
    // Alternate which goes first, so neither always meets an emulator just woken by the other.
    if (i % 2 === 0) times.floor.push(await sqsRoundTrip());
    times.hangup.push(await hangup(call));
    if (i % 2 === 1) times.floor.push(await sqsRoundTrip());
  }
  await deliveries.stop();
  await pipeline.stop();
  senderClients.destroy();
  clients.destroy();
  receiver.close();
  const stats = (values: number[]) => ({
    p50_ms: round(percentile(values, 50)),
    p95_ms: round(percentile(values, 95)),
  });
  const hangupStats = stats(times.hangup);
  const floorStats = stats(times.floor);
  return {
    samples,
    hangup_to_completed: hangupStats,
    sqs_round_trip: floorStats,
    p50_ratio: round(hangupStats.p50_ms / floorStats.p50_ms),
    p95_ratio: round(hangupStats.p95_ms / floorStats.p95_ms),
  };
}
