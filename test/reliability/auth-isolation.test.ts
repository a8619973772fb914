import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { drainQueue, type SeededTenant, seedCall, seedTenant } from '../support/aws-fixtures.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { createWebhookHarness } from '../support/webhook-harness.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

const TENANTS = 12;
let h: ServiceHarness;
let tenants: { tenant: SeededTenant; call: Call }[];

beforeAll(async () => {
  h = await createServiceHarness({ provider: createScriptedProvider().provider });
  tenants = await Promise.all(
    Array.from({ length: TENANTS }, async () => {
      const tenant = await seedTenant(h.documents, h.table);
      return { tenant, call: await seedCall(h.documents, h.table, tenant) };
    }),
  );
});

afterAll(async () => {
  await h.close();
});

describe('tenant isolation', () => {
  it('lets a key reach its own call only, across generated pairs of tenants', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(TENANTS - 1),
        fc.nat(TENANTS - 1),
        fc.constantFrom('start', 'stop'),
        async (a, b, action) => {
          const keyOwner = tenants[a];
          const callOwner = tenants[b];
          if (!keyOwner || !callOwner) throw new Error('no tenant');
          const answer = await h.post(callOwner.call.id, keyOwner.tenant.apiKey, { action });
          if (a === b) {
            expect([200, 404]).toContain(answer.statusCode);
            if (answer.statusCode === 404)
              expect(answer.body).toEqual({
                error: { code: 'recording_not_started', message: expect.any(String) },
              });
          } else {
            // Exactly what a missing call gets: nothing tells the tenant the call exists.
            expect(answer).toEqual(await h.post('call_doesnotexist', keyOwner.tenant.apiKey, { action }));
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('tenant isolation of webhook events', () => {
  it("answers another tenant's event exactly as a missing one, to reads and redeliveries", async () => {
    const store = createDynamoDbWebhookStore(h.documents, h.table);
    const eventIds = await Promise.all(
      tenants.map(async ({ tenant, call }, i) => {
        const eventId = `evt_isolation${i}`;
        await store.recordAttempt(
          {
            event_id: eventId,
            application_id: tenant.applicationId,
            event_type: 'recording.started',
            call_id: call.id,
            occurred_at: '2026-11-24T10:00:00.000Z',
            body: '{"event":"recording.started"}',
          },
          { at: '2026-11-24T10:00:01Z', status_code: 200, latency_ms: 3, outcome: 'delivered' },
          'delivered',
        );
        return eventId;
      }),
    );
    const ask = (method: 'GET' | 'POST', eventId: string, apiKey: string) =>
      h.request({
        method,
        path: method === 'GET' ? `/v1/webhook-events/${eventId}` : `/v1/webhook-events/${eventId}/redeliver`,
        apiKey,
      });

    await fc.assert(
      fc.asyncProperty(
        fc.nat(TENANTS - 1),
        fc.nat(TENANTS - 1),
        fc.constantFrom('GET' as const, 'POST' as const),
        async (a, b, method) => {
          const keyOwner = tenants[a]?.tenant;
          const eventId = eventIds[b];
          if (!keyOwner || !eventId) throw new Error('no tenant');
          const answer = await ask(method, eventId, keyOwner.apiKey);
          if (a === b) expect(answer.statusCode).toBe(method === 'GET' ? 200 : 202);
          else expect(answer).toEqual(await ask(method, 'evt_doesnotexist', keyOwner.apiKey));
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('secrets stay secret', () => {
  it('puts no API key in any error body or log line', async () => {
    const { tenant, call } = tenants[0] ?? { tenant: undefined, call: undefined };
    if (!tenant || !call) throw new Error('no tenant');
    const other = tenants[1]?.tenant.apiKey ?? '';
    const answers = await Promise.all([
      h.post(call.id, `${tenant.apiKey}x`, {}),
      h.post(call.id, other, {}),
      h.post('call_bad!', tenant.apiKey, '{'),
      h.post(call.id, tenant.apiKey, { action: 'pause' }),
      h.post(call.id, tenant.apiKey, { action: 'stop' }),
      h.post(call.id, tenant.apiKey, { action: 'stop' }),
    ]);
    const text = JSON.stringify(answers) + h.logger.lines.join('\n');
    for (const t of tenants) expect(text).not.toContain(t.tenant.apiKey);
  });

  it('puts no webhook secret in any delivery log line or record', async () => {
    const secret = 'whsec_never_in_logs_0123456789abcdef';
    const webhooks = await createWebhookHarness({ maxAttempts: 2 });
    const receiver = await startWebhookReceiver();
    receiver.answer(() => ({ status: 500 }));
    const owner = await seedTenant(webhooks.documents, webhooks.table, {
      webhookUrl: receiver.url,
      webhookSecret: secret,
    });
    await webhooks.queue.sendAll([
      {
        event_id: 'evt_secretcheck',
        event_type: 'recording.started',
        application_id: owner.applicationId,
        call_id: 'call_x',
        created_at: '2026-11-24T10:00:00Z',
        occurred_at: '2026-11-24T10:00:00.000Z',
        body: '{"event":"recording.started","call":{"id":"call_x"}}',
      },
    ]);
    await webhooks.source.pollOnce();
    await webhooks.source.pollOnce();
    await receiver.close();
    await drainQueue(webhooks.sqs, webhooks.dlqUrl);

    const record = JSON.stringify(await webhooks.delivery('evt_secretcheck'));
    expect(webhooks.logLines.length).toBeGreaterThan(0);
    expect(`${webhooks.logLines.join('\n')}${record}`).not.toContain(secret);
  });
});
