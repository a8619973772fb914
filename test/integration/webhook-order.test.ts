import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue, seedTenant } from '../support/aws-fixtures.ts';
import { dynamoDbCommittedEvents } from '../support/committed-events.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// Webhooks are delivered at least once and in no guaranteed order (retries, parallel senders). Each
// recording event carries `data.sequence`, its place in the recording's life, and the delivery says
// when it happened to the millisecond: together they let a receiver put events back in order.
let receiver: WebhookReceiver;
let api: ServiceHarness;
let webhooks: Awaited<ReturnType<typeof createWebhookHarness>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  webhooks = await createWebhookHarness({ maxAttempts: 3 });
  api = await createServiceHarness({ shared: { table: webhooks.table, queueUrl: webhooks.queueUrl } });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
});

describe('webhook order', () => {
  it('delivers two events of a recording out of order with sequences and event times that order them', async () => {
    const tenant = await seedTenant(api.documents, api.table, {
      webhookUrl: receiver.url,
      webhookSecret: 'whsec_o',
    });
    const call = await api.newCall(tenant);
    await api.post(call.id, tenant.apiKey, { action: 'start' });
    await api.post(call.id, tenant.apiKey, { action: 'stop' });
    await api.outboxRelay.caughtUp();
    // What the relay queued is taken off the queue and queued again the other way round.
    await drainQueue(api.sqs, api.queueUrl);
    const queued = await dynamoDbCommittedEvents(api.documents, api.table).ofCall(call.id);
    for (const event of [...queued].reverse()) {
      await webhooks.queue.sendAll([event]);
      await webhooks.source.pollOnce();
    }

    const arrived = receiver.received.map((r) => ({
      event: JSON.parse(r.body).event as string,
      sequence: JSON.parse(r.body).data.sequence as number,
      time: r.headers['x-minivoice-event-time'] as string,
    }));
    expect(arrived.map((a) => [a.event, a.sequence])).toEqual([
      ['recording.completed', 2],
      ['recording.started', 1],
    ]);
    const bySequence = [...arrived].sort((a, b) => a.sequence - b.sequence);
    const byTime = [...arrived].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    expect(bySequence.map((a) => a.event)).toEqual(['recording.started', 'recording.completed']);
    expect(byTime).toEqual(bySequence);
    expect(arrived.every((a) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(a.time))).toBe(true);
  });
});
