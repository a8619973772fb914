import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { toApplicationItem, toOutboxItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { signWebhook } from '../../shared/webhooks/signature.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import { createTestClients, createTestQueue, createTestTable, drainQueue } from '../support/aws-fixtures.ts';
import { createTestSealer, TEST_SECRETS_KEY_ID } from '../support/kms.ts';
import { runScript, startScript } from '../support/run-script.ts';
import { createQueueWithDlq } from '../support/webhook-harness.ts';

const { sqs, documents } = createTestClients();
const loadAccessFor = (table: string, key: string) =>
  createDynamoDbRecordingStore(documents, table).loadAccess(hashApiKey(key), undefined);
const running: { kill: () => void }[] = [];
afterAll(() => {
  for (const child of running) child.kill();
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

/** Outbox items of events that happened at these times of 2026-11-24 (UTC), as a commit writes them. */
async function commitOutboxEvents(table: string, times: string[]): Promise<OutboxEvent[]> {
  const events = times.map((time, i) => ({
    event_id: `evt_replay${i}`,
    event_type: 'recording.started' as const,
    application_id: 'app_1',
    call_id: `call_replay${i}`,
    created_at: `2026-11-24T${time.slice(0, 8)}Z`,
    occurred_at: `2026-11-24T${time}Z`,
    body: `{"n":${i}}`,
  }));
  for (const event of events)
    await documents.send(new PutCommand({ TableName: table, Item: toOutboxItem(event) }));
  return events;
}

describe('npm run admin', () => {
  let table: string;
  const admin = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runScript('scripts/admin/admin.ts', args, {
      TABLE_NAME: table,
      WEBHOOK_SECRETS_KEY_ID: TEST_SECRETS_KEY_ID,
      ...env,
    });
    return { ...result, json: result.code === 0 ? JSON.parse(result.stdout) : undefined };
  };

  it('creates a customer, an application, a key that authenticates, and a call', async () => {
    table = await createTestTable(documents);
    const customer = await admin(['create-customer', '--name', 'Acme']);
    const application = await admin([
      'create-application',
      '--customer',
      customer.json.id,
      '--webhook-url',
      'https://hooks.example.com/mv',
      '--generate-secret',
    ]);
    const key = await admin(['create-key', '--application', application.json.id]);
    const call = await admin([
      'create-call',
      '--application',
      application.json.id,
      '--provider-call-id',
      'aa-bb-cc',
    ]);

    expect(customer.json).toEqual({
      id: expect.stringMatching(/^cust_/),
      name: 'Acme',
      created_at: expect.any(String),
    });
    expect(application.json).toEqual({
      id: expect.stringMatching(/^app_/),
      customer_id: customer.json.id,
      status: 'active',
      webhook_url: 'https://hooks.example.com/mv',
      webhook_status: 'active',
      webhook_secret: expect.stringMatching(/^whsec_[0-9a-f]{48}$/),
    });
    expect(key.json).toEqual({
      api_key: expect.stringMatching(/^mv_test_[0-9a-f]{40}$/),
      key_prefix: key.json.api_key.slice(0, 12),
      application_id: application.json.id,
      customer_id: customer.json.id,
    });
    expect(call.json).toMatchObject({
      id: expect.stringMatching(/^call_/),
      provider_call_id: 'aa-bb-cc',
      status: 'in_progress',
    });
    const { apiKey } = (await loadAccessFor(table, key.json.api_key)) ?? {};
    expect(apiKey).toEqual({
      key_hash: expect.any(String),
      application_id: application.json.id,
      customer_id: customer.json.id,
      status: 'active',
      application_status: 'active',
    });
  });

  it('refuses an application for a customer that does not exist', async () => {
    table = await createTestTable(documents);
    const result = await admin(['create-application', '--customer', 'cust_missing']);
    expect([result.code, result.stderr.trim()]).toEqual([2, 'no customer cust_missing']);
  });

  it('refuses an unknown command in one line, pointing at the help', async () => {
    table = await createTestTable(documents);
    const result = await admin(['purge']);
    expect([result.code, result.stderr]).toEqual([
      2,
      'unknown command "purge"; the commands: npm run admin -- --help\n',
    ]);
  });

  it('sets a webhook, which re-enables the endpoint and requests the redrive of what was parked', async () => {
    table = await createTestTable(documents);
    const { queueUrl } = await createQueueWithDlq(sqs, 3);
    const customer = await admin(['create-customer', '--name', 'Acme']);
    const application = await admin(['create-application', '--customer', customer.json.id]);

    const set = await admin(
      ['set-webhook', '--application', application.json.id, '--url', 'https://hooks.example.com/fixed'],
      { WEBHOOK_QUEUE_URL: queueUrl },
    );
    const endpoint = await admin(['webhook-endpoint', '--application', application.json.id]);

    expect(set.json).toEqual({
      application_id: application.json.id,
      webhook_url: 'https://hooks.example.com/fixed',
      parked_events: 'requeued',
    });
    expect(endpoint.json).toEqual({
      application_id: application.json.id,
      url: 'https://hooks.example.com/fixed',
      status: 'active',
      failing_since: null,
      disabled_at: null,
      disabled_reason: null,
      previous_secret_expires_at: null,
    });
    expect(
      (await drainQueue(sqs, queueUrl)).map((m) => [
        m.MessageAttributes?.kind?.StringValue,
        JSON.parse(m.Body ?? ''),
      ]),
    ).toEqual([['redrive', { application_id: application.json.id }]]);
  });

  it('rotates a webhook secret and shows until when the previous one signs too', async () => {
    table = await createTestTable(documents);
    const customer = await admin(['create-customer', '--name', 'Acme']);
    const application = await admin([
      'create-application',
      '--customer',
      customer.json.id,
      '--webhook-url',
      'https://hooks.example.com/mv',
      '--generate-secret',
    ]);

    const rotated = await admin([
      'rotate-webhook-secret',
      '--application',
      application.json.id,
      '--keep-previous-hours',
      '48',
    ]);
    const endpoint = await admin(['webhook-endpoint', '--application', application.json.id]);

    expect(rotated.json).toEqual({
      application_id: application.json.id,
      webhook_secret: expect.stringMatching(/^whsec_[0-9a-f]{48}$/),
      previous_secret_expires_at: expect.any(String),
    });
    expect(rotated.json.webhook_secret).not.toBe(application.json.webhook_secret);
    expect(endpoint.json.previous_secret_expires_at).toBe(rotated.json.previous_secret_expires_at);
  });

  it('refuses an unreadable rotation window with one line', async () => {
    table = await createTestTable(documents);
    const result = await admin([
      'rotate-webhook-secret',
      '--application',
      'app_x',
      '--keep-previous-hours',
      'soon',
    ]);
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      '--keep-previous-hours must be a whole number from 1 to 168',
    ]);
  });

  it('replays to the webhook queue the events committed in a window, from the outbox items in the table', async () => {
    table = await createTestTable(documents);
    const queueUrl = await createTestQueue(sqs);
    const events = await commitOutboxEvents(table, ['10:00:00.000', '11:00:00.000', '12:00:00.000']);

    const replay = await admin(
      ['outbox-replay', '--since', '2026-11-24T09:59:00Z', '--until', '2026-11-24T11:00:00Z'],
      { WEBHOOK_QUEUE_URL: queueUrl },
    );

    expect(replay.json).toEqual({
      since: '2026-11-24T09:59:00.000Z',
      until: '2026-11-24T11:00:00.000Z',
      queued: 2,
    });
    expect(
      (await drainQueue(sqs, queueUrl)).map((m) => m.MessageAttributes?.event_id?.StringValue).sort(),
    ).toEqual(events.slice(0, 2).map((e) => e.event_id));
  });

  it('replays the window of the stream batches in the outbox DLQ, then clears it', async () => {
    table = await createTestTable(documents);
    const [queueUrl, outboxDlqUrl] = await Promise.all([createTestQueue(sqs), createTestQueue(sqs)]);
    const events = await commitOutboxEvents(table, ['10:00:00.000', '11:00:00.000', '12:00:00.000']);
    // Lambda's record of a stream batch that failed after its retries (its on-failure destination).
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: outboxDlqUrl,
        MessageBody: JSON.stringify({
          version: '1.0',
          timestamp: '2026-11-24T11:10:00.000Z',
          requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 10 },
          DDBStreamBatchInfo: {
            shardId: 'shardId-00000001',
            startSequenceNumber: '100',
            endSequenceNumber: '100',
            approximateArrivalOfFirstRecord: '2026-11-24T11:00:00.400Z',
            approximateArrivalOfLastRecord: '2026-11-24T11:00:00.400Z',
            batchSize: 1,
            streamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-11-24T00:00:00.000',
          },
        }),
      }),
    );

    const replay = await admin(['outbox-replay', '--from-dlq'], {
      WEBHOOK_QUEUE_URL: queueUrl,
      OUTBOX_DLQ_URL: outboxDlqUrl,
    });

    expect(replay.json).toEqual({
      failed_batches: 1,
      since: '2026-11-24T10:55:00.400Z',
      until: '2026-11-24T11:05:00.400Z',
      queued: 1,
    });
    expect((await drainQueue(sqs, queueUrl)).map((m) => m.MessageAttributes?.event_id?.StringValue)).toEqual([
      events[1]?.event_id,
    ]);
    expect(await drainQueue(sqs, outboxDlqUrl)).toEqual([]);
  });

  it('prints a new secret once and stores it only sealed, for its application', async () => {
    table = await createTestTable(documents);
    const customer = await admin(['create-customer', '--name', 'Acme']);

    const application = await admin([
      'create-application',
      '--customer',
      customer.json.id,
      '--generate-secret',
    ]);

    const item = (
      await documents.send(new GetCommand({ TableName: table, Key: keys.application(application.json.id) }))
    ).Item;
    expect(JSON.stringify(item)).not.toContain(application.json.webhook_secret);
    expect(await createTestSealer().open(item?.webhook_secret, application.json.id)).toBe(
      application.json.webhook_secret,
    );
  });

  it('refuses to store a secret without the key to seal it, with one line', async () => {
    table = await createTestTable(documents);
    const customer = await admin(['create-customer', '--name', 'Acme']);

    const result = await runScript(
      'scripts/admin/admin.ts',
      ['create-application', '--customer', customer.json.id, '--generate-secret'],
      { TABLE_NAME: table },
    );

    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      'set WEBHOOK_SECRETS_KEY_ID (the KMS key webhook secrets are sealed with)',
    ]);
  });

  it('seals the plaintext secrets of earlier versions, printing which applications, never a secret', async () => {
    table = await createTestTable(documents);
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: toApplicationItem({
          id: 'app_legacy1',
          customer_id: 'cust_1',
          status: 'active',
          webhook_secret: 'whsec_legacy_plain',
          created_at: '2026-11-24T10:00:00Z',
        }),
      }),
    );

    const sealed = await admin(['seal-webhook-secrets']);

    expect([sealed.stdout.includes('whsec_legacy_plain'), sealed.json]).toEqual([
      false,
      { applications_scanned: 1, sealed: ['app_legacy1'], already_sealed: 0, changed_meanwhile: [] },
    ]);
  });

  it('disables an application, reporting how many keys it updated', async () => {
    table = await createTestTable(documents);
    const customer = await admin(['create-customer', '--name', 'Acme']);
    const application = await admin(['create-application', '--customer', customer.json.id]);
    const key = await admin(['create-key', '--application', application.json.id]);

    const disabled = await admin([
      'set-application-status',
      '--application',
      application.json.id,
      '--status',
      'disabled',
    ]);

    expect(disabled.json).toEqual({
      application_id: application.json.id,
      status: 'disabled',
      keys_updated: 1,
    });
    expect((await loadAccessFor(table, key.json.api_key)).apiKey?.application_status).toBe('disabled');
  });

  it('lists the dead letters and replays them to the webhook queue', async () => {
    table = await createTestTable(documents);
    const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 3);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: '{"event":"recording.completed"}',
        MessageAttributes: { event_id: { DataType: 'String', StringValue: 'evt_dead1' } },
      }),
    );
    const env = { WEBHOOK_QUEUE_URL: queueUrl, WEBHOOK_DLQ_URL: dlqUrl };

    const listed = await admin(['dlq-list'], env);
    const replayed = await admin(['dlq-replay'], env);

    expect(listed.json.dead_letters.map((d: { eventId: string }) => d.eventId)).toEqual(['evt_dead1']);
    expect(replayed.json).toEqual({ replayed: 1 });
    expect(
      (await drainQueue(sqs, queueUrl)).map((m) => [m.Body, m.MessageAttributes?.event_id?.StringValue]),
    ).toEqual([['{"event":"recording.completed"}', 'evt_dead1']]);
  });
});

describe('examples/webhook-receiver.ts', () => {
  it('accepts a signed delivery and refuses a forged one', async () => {
    const port = await freePort();
    const receiver = await startScript(
      'examples/webhook-receiver.ts',
      { MINIVOICE_WEBHOOK_SECRET: 'whsec_example', PORT: String(port) },
      /listening on/,
    );
    running.push(receiver.child);
    const body = '{"event":"recording.started","data":{"recording":{"id":"rec_call_1"}}}';
    const timestamp = Math.floor(Date.now() / 1000);
    const post = (signature: string) =>
      fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body,
        headers: {
          'X-MiniVoice-Timestamp': String(timestamp),
          'X-MiniVoice-Signature': signature,
          'X-MiniVoice-Event-Id': 'evt_example1',
        },
      });

    const good = await post(signWebhook(['whsec_example'], timestamp, 'evt_example1', body));
    const forged = await post(signWebhook(['whsec_wrong'], timestamp, 'evt_example1', body));

    expect([good.status, forged.status, await forged.text()]).toEqual([204, 401, 'bad_signature']);
    expect(receiver.output()).toContain(
      '"event_id":"evt_example1","event":"recording.started","recording":"rec_call_1"',
    );
  });
});
