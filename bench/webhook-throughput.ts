import { CreateQueueCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createWebhookSenderHandler } from '../functions/webhook-sender/create-handler.ts';
import { createSqsEventSource, type SqsLambda } from '../scripts/local/sqs-event-source.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../shared/adapters/http/http-webhook-transport.ts';
import { toSqsMessageAttributes } from '../shared/adapters/sqs/sqs-webhook-message.ts';
import { approveWebhookTarget } from '../shared/webhooks/target-policy.ts';
import type { OutboxEvent } from '../shared/webhooks/types.ts';
import { serializeWebhookMessage } from '../shared/webhooks/webhook-message.ts';
import { cpuMs, round, WEBHOOKS } from './bench-helpers.ts';
import { benchSenderDeps } from './bench-wiring.ts';
import { benchSealer, putWebhookApplication, startCountingReceiver } from './webhook-receiver.ts';

/** Webhooks delivered/s by the sender (SQS → handler → HTTP) next to bare HTTP POSTs to the same receiver. */
export async function webhookThroughput(documents: DynamoDBDocumentClient, sqs: SQSClient, table: string) {
  const receiver = await startCountingReceiver();
  const { url } = receiver;
  const applicationId = `app_bench${Date.now()}`;
  await putWebhookApplication(documents, table, {
    id: applicationId,
    customerId: 'cust_bench',
    url,
    secret: 'whsec_bench',
  });
  const queueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: `${table}-deliveries` }))).QueueUrl ?? '';
  const body = (i: number) =>
    JSON.stringify({
      event: 'recording.completed',
      created_at: '2026-11-24T10:00:00Z',
      call: { id: `call_b${i}`, application_id: applicationId },
      variables: {},
      data: { event_key: `rec_call_b${i}:recording.completed` },
    });
  // Queued exactly as the outbox relay queues events (the webhook-message contract).
  const event = (i: number): OutboxEvent => ({
    event_id: `evt_bench${i}`,
    event_type: 'recording.completed',
    application_id: applicationId,
    call_id: `call_b${i}`,
    created_at: '2026-11-24T10:00:00Z',
    occurred_at: '2026-11-24T10:00:00.000Z',
    body: body(i),
  });
  for (let i = 0; i < WEBHOOKS; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => {
          const message = serializeWebhookMessage(event(i + j));
          return {
            Id: String(j),
            MessageBody: message.body,
            MessageAttributes: toSqsMessageAttributes(message),
          };
        }),
      }),
    );
  }
  const transport = createHttpWebhookTransport();
  const handler = createWebhookSenderHandler(
    benchSenderDeps({ documents, sqs, table, queueUrl }, benchSealer(), transport),
  );
  // Five pollers stand in for Lambda's concurrent SQS pollers.
  const source = createSqsEventSource({ sqs, queueUrl, handler: handler as unknown as SqsLambda });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + 60_000;
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      while (receiver.received() < WEBHOOKS && performance.now() < deadline) await source.pollOnce();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const received = receiver.received();
  const ours = {
    per_second: received / seconds,
    cpu_ms: cpuMs(cpu) / Math.max(1, received),
    delivered: received,
  };

  // Baseline: the same number of bodies POSTed straight to the receiver, 5 at a time, same transport.
  const target = await approveWebhookTarget(url, { allowInsecureLocalTargets: true }, systemResolver);
  const baseCpu = process.cpuUsage();
  const baseStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      while (next < WEBHOOKS) {
        const i = next++;
        await transport.post(target, { 'Content-Type': 'application/json' }, body(i), 10_000);
      }
    }),
  );
  const baseSeconds = (performance.now() - baseStart) / 1000;
  receiver.close();
  return {
    delivered: ours.delivered,
    per_second: round(ours.per_second, 0),
    cpu_ms_per_delivery: round(ours.cpu_ms, 3),
    baseline_per_second: round(WEBHOOKS / baseSeconds, 0),
    baseline_cpu_ms_per_post: round(cpuMs(baseCpu) / WEBHOOKS, 3),
    ratio: round(ours.per_second / (WEBHOOKS / baseSeconds), 3),
  };
}
