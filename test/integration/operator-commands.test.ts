import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { signWebhook } from '../../shared/webhooks/signature.ts';
import { createTestClients, createTestTable, drainQueue } from '../support/aws-fixtures.ts';
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

describe('npm run admin', () => {
  let table: string;
  const admin = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runScript('scripts/admin/admin.ts', args, { TABLE_NAME: table, ...env });
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

  it('prints the usage for an unknown command', async () => {
    table = await createTestTable(documents);
    const result = await admin(['purge']);
    expect([result.code, result.stderr.split('\n')[0]]).toEqual([
      2,
      'usage: npm run admin -- [--local] <command> [options]',
    ]);
  });

  it('lists the parked events and replays them to the webhook queue', async () => {
    table = await createTestTable(documents);
    const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 3);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: '{"event":"recording.completed"}',
        MessageAttributes: { event_id: { DataType: 'String', StringValue: 'evt_parked1' } },
      }),
    );
    const env = { WEBHOOK_QUEUE_URL: queueUrl, WEBHOOK_DLQ_URL: dlqUrl };

    const listed = await admin(['dlq-list'], env);
    const replayed = await admin(['dlq-replay'], env);

    expect(listed.json.dead_letters.map((d: { eventId: string }) => d.eventId)).toEqual(['evt_parked1']);
    expect(replayed.json).toEqual({ replayed: 1 });
    expect(
      (await drainQueue(sqs, queueUrl)).map((m) => [m.Body, m.MessageAttributes?.event_id?.StringValue]),
    ).toEqual([['{"event":"recording.completed"}', 'evt_parked1']]);
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

    const good = await post(signWebhook('whsec_example', timestamp, body));
    const forged = await post(signWebhook('whsec_wrong', timestamp, body));

    expect([good.status, forged.status, await forged.text()]).toEqual([204, 401, 'bad_signature']);
    expect(receiver.output()).toContain(
      '"event_id":"evt_example1","event":"recording.started","recording":"rec_call_1"',
    );
  });
});
