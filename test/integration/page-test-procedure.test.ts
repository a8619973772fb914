import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedMediaServer } from '../../shared/adapters/simulated/simulated-media-server.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import { callPartition, seedCall, seedTenant } from '../support/aws-fixtures.ts';
import { createRecordingsHarness } from '../support/recordings-harness.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// The documentation page's "Test procedure": start recording on an active call, stop it, then verify
// the recording.started and recording.completed webhooks.
const SECRET = 'whsec_page_procedure';
let directory: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'minivoice-page-'));
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await rm(directory, { recursive: true, force: true });
});

/** The recordings API and the webhook sender on one table and queue, a tenant whose webhooks reach the receiver, and a call. */
async function wireUp() {
  const webhooks = await createWebhookHarness({ maxAttempts: 3 });
  const api = await createRecordingsHarness({
    provider: createSimulatedMediaServer({
      directory,
      baseUrl: 'http://127.0.0.1:3000/recordings',
      clock: systemClock,
    }),
    shared: { table: webhooks.table, queueUrl: webhooks.queueUrl },
  });
  const tenant = await seedTenant(api.documents, api.table, {
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
  });
  const call = await seedCall(api.documents, api.table, tenant);
  return { webhooks, api, tenant, call };
}

describe('the page test procedure', () => {
  it('delivers recording.started then recording.completed, both signed and verifiable', async () => {
    const { webhooks, api, tenant, call } = await wireUp();

    const start = await api.post(call.id, tenant.apiKey, { action: 'start' });
    await webhooks.source.pollOnce();
    const stop = await api.post(call.id, tenant.apiKey, { action: 'stop' });
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

  it('empties the outbox as the sender acknowledges each event', async () => {
    const { webhooks, api, tenant, call } = await wireUp();
    await api.post(call.id, tenant.apiKey, { action: 'start' });
    const before = (await callPartition(api.documents, api.table, call.id)).outbox.length;

    await webhooks.source.pollOnce();

    expect([before, (await callPartition(api.documents, api.table, call.id)).outbox.length]).toEqual([1, 0]);
  });
});
