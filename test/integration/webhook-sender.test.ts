import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters, replayDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letters.ts';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import { drainQueue, seedTenant, uniqueSuffix } from '../support/aws-fixtures.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = 'whsec_integration_secret';
let h: Awaited<ReturnType<typeof createWebhookHarness>>;
let receiver: WebhookReceiver;

function eventFor(applicationId: string, overrides: Partial<OutboxEvent> = {}): OutboxEvent {
  const id = uniqueSuffix();
  const body = JSON.stringify({
    event: 'recording.started',
    created_at: '2026-11-24T10:00:00Z',
    call: {
      id: `call_${id}`,
      customer_id: 'cust_1',
      application_id: applicationId,
      provider_call_id: 'uuid',
      status: 'in_progress',
      direction: 'inbound',
      from: '+1',
      to: '+2',
    },
    variables: {},
    data: { event_key: `rec_call_${id}:recording.started`, recording: { id: `rec_call_${id}` } },
  });
  return {
    event_id: `evt_${id}`,
    event_type: 'recording.started',
    application_id: applicationId,
    call_id: `call_${id}`,
    created_at: '2026-11-24T10:00:00Z',
    body,
    ...overrides,
  };
}

async function tenantWithWebhook(url = receiver.url, secret: string | null = SECRET) {
  return seedTenant(h.documents, h.table, { webhookUrl: url, ...(secret ? { webhookSecret: secret } : {}) });
}

beforeAll(async () => {
  h = await createWebhookHarness({ maxAttempts: 3, timeoutMs: 1500 });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
});
afterEach(async () => {
  receiver.answer(() => ({ status: 200 }));
  receiver.received.length = 0;
  await Promise.all([drainQueue(h.sqs, h.queueUrl), drainQueue(h.sqs, h.dlqUrl)]);
});

describe('webhook-sender', () => {
  it('posts the exact body, signed so that verifyWebhook accepts it', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    await h.queue.send(event);

    await h.source.pollOnce();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.body).toBe(event.body);
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'MiniVoice-Webhooks/1.0',
      'x-minivoice-event-id': event.event_id,
      'x-minivoice-timestamp': expect.stringMatching(/^\d{10}$/),
      'x-minivoice-signature': expect.stringMatching(/^v1=[0-9a-f]{64}$/),
    });
    expect(verifyWebhook(SECRET, request?.headers ?? {}, request?.body ?? '', 300)).toEqual({
      ok: true,
      timestamp: Number(request?.headers['x-minivoice-timestamp']),
      eventId: event.event_id,
    });
  });

  it('records the delivery so an operator can tell when and after how many tries', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    await h.queue.send(event);
    await h.source.pollOnce();

    expect(await h.delivery(event.event_id)).toMatchObject({
      event_id: event.event_id,
      application_id: tenant.applicationId,
      event_type: 'recording.started',
      status: 'delivered',
      attempt_count: 1,
      delivered_at: expect.any(String),
      attempts: [
        { at: expect.any(String), status_code: 200, latency_ms: expect.any(Number), outcome: 'delivered' },
      ],
    });
  });

  it('sends no signature when the application has no secret', async () => {
    const tenant = await tenantWithWebhook(receiver.url, null);
    await h.queue.send(eventFor(tenant.applicationId));
    await h.source.pollOnce();

    expect(receiver.received[0]?.headers['x-minivoice-signature']).toBeUndefined();
  });

  it('retries while the receiver is down and delivers once it is up, with the same event id', async () => {
    const down = await startWebhookReceiver();
    const { port } = down;
    await down.close();
    const tenant = await tenantWithWebhook(`http://127.0.0.1:${port}/hook`);
    const event = eventFor(tenant.applicationId);
    await h.queue.send(event);

    const first = await h.source.pollOnce();
    const up = await startWebhookReceiver(port);
    const second = await h.source.pollOnce();
    await up.close();

    expect(first?.response?.batchItemFailures).toHaveLength(1);
    expect(second?.response).toEqual({ batchItemFailures: [] });
    expect(up.received.map((r) => r.headers['x-minivoice-event-id'])).toEqual([event.event_id]);
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'delivered',
      attempt_count: 2,
      attempts: [
        { status_code: 0, error: 'network error: ECONNREFUSED', outcome: 'retry' },
        { status_code: 200, outcome: 'delivered' },
      ],
    });
  });

  it('parks a message in the DLQ after the last attempt, and replay delivers it', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 500 }));
    await h.queue.send(event);

    for (let attempt = 0; attempt < 3; attempt += 1) await h.source.pollOnce();
    const afterLast = await h.source.pollOnce(); // the queue now moves it to the DLQ instead
    const parked = await listDeadLetters(h.sqs, h.dlqUrl, 10);
    receiver.answer(() => ({ status: 204 }));
    const moved = await replayDeadLetters(h.sqs, { dlqUrl: h.dlqUrl, queueUrl: h.queueUrl });
    await h.source.pollOnce();

    expect(afterLast).toBeUndefined();
    expect(parked.map((p) => [p.eventId, p.body])).toEqual([[event.event_id, event.body]]);
    expect(moved).toBe(1);
    expect(receiver.received.map((r) => r.headers['x-minivoice-event-id'])).toEqual(
      Array(4).fill(event.event_id),
    );
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'delivered',
      attempt_count: 4,
      attempts: [
        { status_code: 500, error: 'HTTP 500', outcome: 'retry' },
        { status_code: 500, error: 'HTTP 500', outcome: 'retry' },
        { status_code: 500, error: 'HTTP 500', outcome: 'dead_lettered' },
        { status_code: 204, outcome: 'delivered' },
      ],
    });
  });

  it('times out a slow receiver and retries', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 200, delayMs: 3000 }));
    await h.queue.send(event);

    const slow = await h.source.pollOnce();
    receiver.answer(() => ({ status: 200 }));
    await h.source.pollOnce();

    expect(slow?.response?.batchItemFailures).toHaveLength(1);
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'delivered',
      attempts: [
        { status_code: 0, error: 'no response within 1500 ms', outcome: 'retry' },
        { outcome: 'delivered' },
      ],
    });
  });

  it('stops at 410 Gone and marks the endpoint, sending nothing more to it', async () => {
    const tenant = await tenantWithWebhook();
    const first = eventFor(tenant.applicationId);
    const second = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 410 }));
    await h.queue.send(first);
    const answer = await h.source.pollOnce();
    await h.queue.send(second);
    await h.source.pollOnce();

    expect(answer?.response).toEqual({ batchItemFailures: [] });
    expect(receiver.received).toHaveLength(1);
    expect(await h.application(tenant.applicationId)).toMatchObject({
      webhook_status: 'gone',
      webhook_gone_at: expect.any(String),
    });
    expect(await h.delivery(first.event_id)).toMatchObject({ status: 'gone', attempt_count: 1 });
    expect(await h.delivery(second.event_id)).toMatchObject({
      status: 'undeliverable',
      attempts: [{ status_code: 0, error: 'endpoint answered 410 Gone earlier', outcome: 'undeliverable' }],
    });
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    receiver.answer((request) =>
      request.path.startsWith('/elsewhere')
        ? { status: 200 }
        : { status: 302, headers: { Location: '/elsewhere' } },
    );
    await h.queue.send(event);
    const answer = await h.source.pollOnce();

    expect(answer?.response?.batchItemFailures).toHaveLength(1);
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/minivoice']);
    expect(await h.delivery(event.event_id)).toMatchObject({
      attempts: [{ status_code: 302, error: 'redirects are not followed' }],
    });
  });

  it('honours Retry-After by keeping the message out of sight that long', async () => {
    const tenant = await tenantWithWebhook();
    receiver.answer(() => ({ status: 429, headers: { 'Retry-After': '30' } }));
    await h.queue.send(eventFor(tenant.applicationId));
    await h.source.pollOnce();

    const visible = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.queueUrl, WaitTimeSeconds: 0 }));
    expect(visible.Messages ?? []).toEqual([]);
  });

  it('reports only the failing record of a batch', async () => {
    const good = await tenantWithWebhook();
    const bad = await tenantWithWebhook(`${receiver.url}?fail=1`);
    receiver.answer((request) => (request.path.includes('fail=1') ? { status: 503 } : { status: 200 }));
    await h.queue.send(eventFor(good.applicationId));
    await h.queue.send(eventFor(bad.applicationId));

    const answer = await h.source.pollOnce();

    expect(answer?.received).toBe(2);
    expect(answer?.response?.batchItemFailures).toHaveLength(1);
    expect(receiver.received.map((r) => r.path).sort()).toEqual([
      '/hooks/minivoice',
      '/hooks/minivoice?fail=1',
    ]);
  });

  it('does not deliver an event twice when the queue holds a duplicate', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    await h.queue.send(event);
    await h.source.pollOnce();
    await h.queue.send(event);
    await h.source.pollOnce();

    expect(receiver.received).toHaveLength(1);
  });

  it('records and drops a message that is not a webhook event', async () => {
    const sent = await h.sqs.send(new SendMessageCommand({ QueueUrl: h.queueUrl, MessageBody: 'not json' }));
    const answer = await h.source.pollOnce();

    expect(answer?.response).toEqual({ batchItemFailures: [] });
    expect(await h.delivery(`sqs:${sent.MessageId}`)).toMatchObject({
      status: 'undeliverable',
      attempts: [{ outcome: 'undeliverable' }],
    });
  });

  it('drops an event whose application no longer exists', async () => {
    const event = eventFor('app_deleted');
    await h.queue.send(event);
    await h.source.pollOnce();

    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'undeliverable',
      attempts: [{ error: 'application not found' }],
    });
  });
});

describe('webhook-sender in production mode', () => {
  it('refuses a loopback target without sending anything', async () => {
    const strict = await createWebhookHarness({ allowLocal: false });
    const tenant = await seedTenant(strict.documents, strict.table, {
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    const event = eventFor(tenant.applicationId);
    await strict.queue.send(event);
    await strict.source.pollOnce();

    expect(receiver.received).toEqual([]);
    expect(await strict.delivery(event.event_id)).toMatchObject({
      status: 'undeliverable',
      attempts: [{ error: 'webhook_url must use https', outcome: 'undeliverable' }],
    });
  });
});
