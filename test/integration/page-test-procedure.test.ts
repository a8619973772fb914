import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import { seedTenant } from '../support/aws-fixtures.ts';
import { dynamoDbCommittedEvents } from '../support/committed-events.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// The documentation page's "Test procedure": start recording on an active call, stop it, then verify
// the recording.started and recording.completed webhooks.
const SECRET = 'whsec_page_procedure';
let receiver: WebhookReceiver;
const harnesses: ServiceHarness[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  for (const h of harnesses) await h.close();
});

/** The recordings API and the webhook sender on one table and queue, a tenant whose webhooks reach the receiver, and a call. */
async function wireUp() {
  const webhooks = await createWebhookHarness({ maxAttempts: 3 });
  const api = await createServiceHarness({ shared: { table: webhooks.table, queueUrl: webhooks.queueUrl } });
  harnesses.push(api);
  const tenant = await seedTenant(api.documents, api.table, {
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
  });
  const call = await api.newCall(tenant);
  return { webhooks, api, tenant, call };
}

describe('the page test procedure', () => {
  it('delivers recording.started then recording.completed, both signed and verifiable', async () => {
    const { webhooks, api, tenant, call } = await wireUp();

    const start = await api.post(call.id, tenant.apiKey, { action: 'start' });
    await api.outboxRelay.caughtUp();
    await webhooks.source.pollOnce();
    const stop = await api.post(call.id, tenant.apiKey, { action: 'stop' });
    await api.outboxRelay.caughtUp();
    await webhooks.source.pollOnce();

    expect([start.statusCode, stop.statusCode]).toEqual([200, 200]);
    const deliveries = receiver.received.map((request) => ({
      verified: verifyWebhook(SECRET, request.headers, request.body, 300).ok,
      event: JSON.parse(request.body).event,
      recording: JSON.parse(request.body).data.recording,
    }));
    expect(deliveries).toEqual([
      {
        verified: true,
        event: 'recording.started',
        recording: (start.body as { data: { recording: unknown } }).data.recording,
      },
      {
        verified: true,
        event: 'recording.completed',
        recording: (stop.body as { data: { recording: unknown } }).data.recording,
      },
    ]);
  });

  it('delivers an event once though the stream may relay it twice (at least once)', async () => {
    const { webhooks, api, tenant, call } = await wireUp();
    await api.post(call.id, tenant.apiKey, { action: 'start' });
    await api.outboxRelay.caughtUp();
    await webhooks.source.pollOnce();
    const [event] = await dynamoDbCommittedEvents(api.documents, api.table).ofCall(call.id);

    await webhooks.queue.sendAll([event as OutboxEvent]); // the same record, relayed again
    await webhooks.source.pollOnce();

    expect(
      receiver.received.filter((r) => r.headers['x-minivoice-event-id'] === event?.event_id),
    ).toHaveLength(1);
  });
});
