import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { listDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letters.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { sealWebhookSecrets, setWebhook } from '../../shared/admin/admin-commands.ts';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import { drainQueue, seedTenant, uniqueSuffix } from '../support/aws-fixtures.ts';
import { createTestSealer } from '../support/kms.ts';
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
    data: { event_key: `rec_call_${id}:recording.started`, recording: { id: `rec_call_${id}` }, sequence: 1 },
  });
  return {
    event_id: `evt_${id}`,
    event_type: 'recording.started',
    application_id: applicationId,
    call_id: `call_${id}`,
    created_at: '2026-11-24T10:00:00Z',
    occurred_at: '2026-11-24T10:00:00.123Z',
    body,
    ...overrides,
  };
}

async function tenantWithWebhook(url = receiver.url, secret: string | null = SECRET) {
  return seedTenant(h.documents, h.table, { webhookUrl: url, ...(secret ? { webhookSecret: secret } : {}) });
}

/** Hands the queue's messages to the sender until none is left (retries are immediate here). */
async function deliverAll(harness = h): Promise<void> {
  for (let round = 0; round < 30; round += 1) {
    if (!(await harness.source.pollOnce())) return;
  }
  throw new Error('the webhook queue did not empty');
}

/** The event ids the receiver got, in order. */
const receivedIds = (r: WebhookReceiver = receiver) =>
  r.received.map((x) => x.headers['x-minivoice-event-id']);

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
    await h.queue.sendAll([event]);

    await h.source.pollOnce();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.body).toBe(event.body);
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'MiniVoice-Webhooks/1.0',
      'x-minivoice-event-id': event.event_id,
      'x-minivoice-event-time': '2026-11-24T10:00:00.123Z',
      'x-minivoice-timestamp': expect.stringMatching(/^\d{10}$/),
      'x-minivoice-signature': expect.stringMatching(/^v1=[0-9a-f]{64} v2=[0-9a-f]{64}$/),
    });
    expect(verifyWebhook(SECRET, request?.headers ?? {}, request?.body ?? '', 300)).toEqual({
      ok: true,
      timestamp: Number(request?.headers['x-minivoice-timestamp']),
      eventId: event.event_id,
      scheme: 'v2',
    });
  });

  it('records the delivery with the exact body, so an operator can tell when and after how many tries', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);
    await h.source.pollOnce();

    expect(await h.delivery(event.event_id)).toMatchObject({
      event_id: event.event_id,
      application_id: tenant.applicationId,
      event_type: 'recording.started',
      call_id: event.call_id,
      occurred_at: event.occurred_at,
      body: event.body,
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
    await h.queue.sendAll([eventFor(tenant.applicationId)]);
    await h.source.pollOnce();

    expect(receiver.received[0]?.headers['x-minivoice-signature']).toBeUndefined();
  });

  it('retries while the receiver is down and delivers once it is up, with the same event id', async () => {
    const down = await startWebhookReceiver();
    const { port } = down;
    await down.close();
    const tenant = await tenantWithWebhook(`http://127.0.0.1:${port}/hook`);
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);

    const first = await h.source.pollOnce();
    const up = await startWebhookReceiver(port);
    const second = await h.source.pollOnce();
    await up.close();

    expect(first?.response?.batchItemFailures).toHaveLength(1);
    expect(second?.response).toEqual({ batchItemFailures: [] });
    expect(receivedIds(up)).toEqual([event.event_id]);
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'delivered',
      attempt_count: 2,
      attempts: [
        { status_code: 0, error: 'network error: ECONNREFUSED', outcome: 'retry' },
        { status_code: 200, outcome: 'delivered' },
      ],
    });
  });

  it('parks an event with its body after the last attempt, instead of losing it', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 500 }));
    await h.queue.sendAll([event]);

    await deliverAll();

    expect(receiver.received).toHaveLength(3);
    expect(await listDeadLetters(h.sqs, h.dlqUrl, 10)).toEqual([]);
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'parked',
      parked_reason: 'no attempt succeeded in 3 tries (last: HTTP 500)',
      body: event.body,
      attempts: [
        { status_code: 500, error: 'HTTP 500', outcome: 'retry' },
        { status_code: 500, error: 'HTTP 500', outcome: 'retry' },
        { status_code: 500, error: 'no attempt succeeded in 3 tries (last: HTTP 500)', outcome: 'parked' },
      ],
    });
  });

  it('redelivers what was parked once the endpoint works again, each event once', async () => {
    const tenant = await tenantWithWebhook();
    const parked = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 503 }));
    await h.queue.sendAll([parked]);
    await deliverAll();
    receiver.answer(() => ({ status: 200 }));
    const next = eventFor(tenant.applicationId);

    await h.queue.sendAll([next]);
    await deliverAll();

    expect(receivedIds()).toEqual([
      parked.event_id,
      parked.event_id,
      parked.event_id,
      next.event_id,
      parked.event_id,
    ]);
    expect(await h.delivery(parked.event_id)).toMatchObject({ status: 'delivered', attempt_count: 4 });
    expect((await h.application(tenant.applicationId))?.webhook_failing_since).toBeUndefined();
  });

  it('parks an event whose URL is refused, and delivers it once when the URL is fixed', async () => {
    const tenant = await tenantWithWebhook('ftp://hooks.example.com/typo');
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);
    await deliverAll();
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'parked',
      parked_reason: 'webhook_url must use https',
    });

    await setWebhook(
      { applicationId: tenant.applicationId, url: receiver.url, secret: undefined },
      { store: createDynamoDbAdminStore(h.documents, h.table), queue: h.queue, sealer: createTestSealer() },
    );
    await deliverAll();
    await deliverAll(); // a duplicate redrive or redelivery would show here

    expect(receivedIds()).toEqual([event.event_id]);
    expect(receiver.received[0]?.body).toBe(event.body);
    expect(await h.delivery(event.event_id)).toMatchObject({ status: 'delivered', attempt_count: 2 });
  });

  it('times out a slow receiver and retries', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 200, delayMs: 3000 }));
    await h.queue.sendAll([event]);

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

  it('stops at 410 Gone: marks the endpoint and parks this event and the next ones', async () => {
    const tenant = await tenantWithWebhook();
    const first = eventFor(tenant.applicationId);
    const second = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 410 }));
    await h.queue.sendAll([first]);
    const answer = await h.source.pollOnce();
    await h.queue.sendAll([second]);
    await h.source.pollOnce();

    expect(answer?.response).toEqual({ batchItemFailures: [] });
    expect(receiver.received).toHaveLength(1);
    expect(await h.application(tenant.applicationId)).toMatchObject({
      webhook_status: 'gone',
      webhook_disabled_at: expect.any(String),
      webhook_disabled_reason: 'the endpoint answered 410 Gone',
    });
    expect(await h.delivery(first.event_id)).toMatchObject({
      status: 'parked',
      parked_reason: 'the endpoint answered 410 Gone; set the webhook again to resume',
      attempt_count: 1,
    });
    expect(await h.delivery(second.event_id)).toMatchObject({
      status: 'parked',
      attempts: [
        {
          status_code: 0,
          error: 'the endpoint answered 410 Gone earlier; set the webhook again to resume',
          outcome: 'parked',
        },
      ],
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
    await h.queue.sendAll([event]);
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
    await h.queue.sendAll([eventFor(tenant.applicationId)]);
    await h.source.pollOnce();

    const visible = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.queueUrl, WaitTimeSeconds: 0 }));
    expect(visible.Messages ?? []).toEqual([]);
  });

  it('keeps a message whose receiver asks for a day, postponed within the queue limits', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    receiver.answer(() => ({ status: 503, headers: { 'Retry-After': '86400' } }));
    await h.queue.sendAll([event]);

    const answer = await h.source.pollOnce();

    // Postponing by more than SQS allows would fail and the retry come at once; capped, it is out of sight.
    expect(answer?.response?.batchItemFailures).toHaveLength(1);
    expect(h.logLines.filter((line) => line.includes('could not postpone'))).toEqual([]);
    expect(await h.delivery(event.event_id)).toMatchObject({ status: 'failing', attempt_count: 1 });
  });

  it('reports only the failing record of a batch', async () => {
    const good = await tenantWithWebhook();
    const bad = await tenantWithWebhook(`${receiver.url}?fail=1`);
    receiver.answer((request) => (request.path.includes('fail=1') ? { status: 503 } : { status: 200 }));
    await h.queue.sendAll([eventFor(good.applicationId), eventFor(bad.applicationId)]);

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
    await h.queue.sendAll([event]);
    await h.source.pollOnce();
    await h.queue.sendAll([event]);
    await h.source.pollOnce();

    expect(receiver.received).toHaveLength(1);
  });

  it('delivers a delivered event again when asked to redeliver it', async () => {
    const tenant = await tenantWithWebhook();
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);
    await h.source.pollOnce();
    await h.queue.sendAll([event], { redelivery: true });
    await h.source.pollOnce();

    expect(receivedIds()).toEqual([event.event_id, event.event_id]);
    expect(receiver.received[1]?.body).toBe(event.body);
  });

  it('moves a message that is not a webhook event to the dead-letter queue, as it came', async () => {
    await h.sqs.send(new SendMessageCommand({ QueueUrl: h.queueUrl, MessageBody: 'not json' }));
    const answer = await h.source.pollOnce();

    expect(answer?.response).toEqual({ batchItemFailures: [] });
    expect((await listDeadLetters(h.sqs, h.dlqUrl, 10)).map((d) => d.body)).toEqual(['not json']);
  });

  it('parks an event whose application no longer exists', async () => {
    const event = eventFor('app_deleted');
    await h.queue.sendAll([event]);
    await h.source.pollOnce();

    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'parked',
      body: event.body,
      attempts: [{ error: 'the application does not exist', outcome: 'parked' }],
    });
  });
});

describe('webhook-sender with an endpoint failing for days', () => {
  it('disables the endpoint after 5 days of failures, parks its events, and resumes when it is set again', async () => {
    let daysAhead = 0;
    const clock = { ...systemClock, now: () => new Date(Date.now() + daysAhead * 86_400_000) };
    const sender = await createWebhookHarness({ maxAttempts: 100, clock });
    const tenant = await seedTenant(sender.documents, sender.table, {
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    receiver.answer(() => ({ status: 500 }));
    const first = eventFor(tenant.applicationId);
    await sender.queue.sendAll([first]);
    await sender.source.pollOnce(); // fails: the endpoint is failing from now
    daysAhead = 5;
    await sender.source.pollOnce(); // fails again, five days on: disabled
    const second = eventFor(tenant.applicationId);
    await sender.queue.sendAll([second]);
    await sender.source.pollOnce();
    const whileDisabled = receiver.received.length;

    receiver.answer(() => ({ status: 200 }));
    await setWebhook(
      { applicationId: tenant.applicationId, url: receiver.url, secret: undefined },
      {
        store: createDynamoDbAdminStore(sender.documents, sender.table),
        queue: sender.queue,
        sealer: createTestSealer(),
      },
    );
    await deliverAll(sender);

    expect(whileDisabled).toBe(2);
    expect(sender.counted('WebhookEndpointsDisabled')).toBe(1);
    expect(receivedIds().slice(2).sort()).toEqual([first.event_id, second.event_id].sort());
    expect(await sender.application(tenant.applicationId)).toMatchObject({ webhook_status: 'active' });
    expect(await sender.delivery(second.event_id)).toMatchObject({
      status: 'delivered',
      attempts: [
        {
          outcome: 'parked',
          error: expect.stringMatching(/^the endpoint is disabled \(every attempt failed for 5 days/),
        },
        { outcome: 'delivered' },
      ],
    });
  });
});

describe('webhook-sender during a secret rotation', () => {
  it('signs with both secrets, so a receiver holding either verifies the delivery', async () => {
    const tenant = await tenantWithWebhook();
    const admin = createDynamoDbAdminStore(h.documents, h.table);
    await admin.rotateWebhookSecret(
      tenant.applicationId,
      await createTestSealer().seal('whsec_rotated', tenant.applicationId),
      new Date(Date.now() + 3_600_000).toISOString(),
    );
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);

    await h.source.pollOnce();

    const [request] = receiver.received;
    const verify = (secret: string) =>
      verifyWebhook(secret, request?.headers ?? {}, request?.body ?? '', 300);
    expect(request?.headers['x-minivoice-signature']).toMatch(
      /^v1=[0-9a-f]{64} v1=[0-9a-f]{64} v2=[0-9a-f]{64} v2=[0-9a-f]{64}$/,
    );
    expect([verify(SECRET).ok, verify('whsec_rotated').ok, verify('whsec_other').ok]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('signs with the new secret only once the previous one has expired', async () => {
    const tenant = await tenantWithWebhook();
    const admin = createDynamoDbAdminStore(h.documents, h.table);
    await admin.rotateWebhookSecret(
      tenant.applicationId,
      await createTestSealer().seal('whsec_rotated', tenant.applicationId),
      new Date(Date.now() - 1000).toISOString(),
    );
    await h.queue.sendAll([eventFor(tenant.applicationId)]);

    await h.source.pollOnce();

    const [request] = receiver.received;
    const verify = (secret: string) =>
      verifyWebhook(secret, request?.headers ?? {}, request?.body ?? '', 300);
    expect([verify(SECRET).ok, verify('whsec_rotated').ok]).toEqual([false, true]);
  });
});

describe('webhook-sender in production mode', () => {
  it('refuses a loopback target without sending anything, and parks the event', async () => {
    const strict = await createWebhookHarness({ allowLocal: false });
    const tenant = await seedTenant(strict.documents, strict.table, {
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    const event = eventFor(tenant.applicationId);
    await strict.queue.sendAll([event]);
    await strict.source.pollOnce();

    expect(receiver.received).toEqual([]);
    expect(await strict.delivery(event.event_id)).toMatchObject({
      status: 'parked',
      attempts: [{ error: 'webhook_url must use https', outcome: 'parked' }],
    });
  });
});

describe('webhook-sender and sealed secrets', () => {
  /** An application as an earlier version stored it: the webhook secret in plaintext. */
  async function legacyTenant(secret: string) {
    const tenant = await tenantWithWebhook(receiver.url, null);
    await h.documents.send(
      new UpdateCommand({
        TableName: h.table,
        Key: keys.application(tenant.applicationId),
        UpdateExpression: 'SET webhook_secret = :secret',
        ExpressionAttributeValues: { ':secret': secret },
      }),
    );
    return tenant;
  }

  it('holds back, unsent, an event whose secret is still in plaintext', async () => {
    const tenant = await legacyTenant(SECRET);
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);

    await h.source.pollOnce();

    expect(receiver.received).toEqual([]);
    expect(await h.delivery(event.event_id)).toMatchObject({
      status: 'failing',
      attempts: [
        {
          status_code: 0,
          error: 'the webhook secret is not sealed yet (an operator runs seal-webhook-secrets)',
        },
      ],
    });
    expect([
      h.counted('WebhookSecretsUnsealed'),
      (await h.application(tenant.applicationId))?.webhook_failing_since,
    ]).toEqual([1, undefined]);
  });

  it('delivers it once seal-webhook-secrets has run, signed with the same secret (the receiver changes nothing)', async () => {
    const tenant = await legacyTenant(SECRET);
    const event = eventFor(tenant.applicationId);
    await h.queue.sendAll([event]);
    await h.source.pollOnce();

    await sealWebhookSecrets({
      store: createDynamoDbAdminStore(h.documents, h.table),
      sealer: createTestSealer(),
    });
    await deliverAll();

    const [request] = receiver.received;
    expect(receivedIds()).toEqual([event.event_id]);
    expect(verifyWebhook(SECRET, request?.headers ?? {}, request?.body ?? '', 300).ok).toBe(true);
    expect((await h.application(tenant.applicationId))?.webhook_secret).toMatch(/^kms:/);
  });

  it("parks an event whose stored secret is another application's, until the secret is set again", async () => {
    const [victim, copier] = await Promise.all([tenantWithWebhook(), tenantWithWebhook()]);
    await h.documents.send(
      new UpdateCommand({
        TableName: h.table,
        Key: keys.application(copier.applicationId),
        UpdateExpression: 'SET webhook_secret = :secret',
        ExpressionAttributeValues: {
          ':secret': (await h.application(victim.applicationId))?.webhook_secret,
        },
      }),
    );
    const event = eventFor(copier.applicationId);
    await h.queue.sendAll([event]);
    await h.source.pollOnce();
    const parked = await h.delivery(event.event_id);

    const set = await setWebhook(
      { applicationId: copier.applicationId, url: receiver.url, secret: 'whsec_fresh_0123456789' },
      { store: createDynamoDbAdminStore(h.documents, h.table), queue: h.queue, sealer: createTestSealer() },
    );
    await deliverAll();

    expect(parked).toMatchObject({
      status: 'parked',
      parked_reason: 'the webhook secret cannot be decrypted; set the webhook secret again to resume',
    });
    const [request] = receiver.received;
    expect(receivedIds()).toEqual([event.event_id]);
    expect(verifyWebhook(set.webhook_secret ?? '', request?.headers ?? {}, request?.body ?? '', 300).ok).toBe(
      true,
    );
  });
});
