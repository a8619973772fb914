import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../shared/webhooks/signature.ts';
import { createTestClients, drainQueue } from '../support/aws-fixtures.ts';
import { runScript, startScript } from '../support/run-script.ts';
import { createQueueWithDlq } from '../support/webhook-harness.ts';

const { sqs } = createTestClients();
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

describe('npm run dead-letters', () => {
  it('lists the parked events and replays them to the webhook queue', async () => {
    const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, 3);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: '{"event":"recording.completed"}',
        MessageAttributes: { event_id: { DataType: 'String', StringValue: 'evt_parked1' } },
      }),
    );
    const env = { WEBHOOK_QUEUE_URL: queueUrl, WEBHOOK_DLQ_URL: dlqUrl };

    const listed = await runScript('scripts/dead-letters.ts', ['list'], env);
    const replayed = await runScript('scripts/dead-letters.ts', ['replay'], env);

    expect(listed.stdout).toContain('"event_id":"evt_parked1"');
    expect(listed.stdout).toContain('1 dead letter(s)');
    expect(replayed.stdout.trim()).toBe('replayed 1 message(s)');
    expect(
      (await drainQueue(sqs, queueUrl)).map((m) => [m.Body, m.MessageAttributes?.event_id?.StringValue]),
    ).toEqual([['{"event":"recording.completed"}', 'evt_parked1']]);
  });

  it('fails with usage for an unknown command', async () => {
    const result = await runScript('scripts/dead-letters.ts', ['purge'], {
      WEBHOOK_QUEUE_URL: 'http://127.0.0.1:1/q',
      WEBHOOK_DLQ_URL: 'http://127.0.0.1:1/d',
    });
    expect([result.code, result.stderr.split('\n')[0]]).toEqual([
      2,
      'usage: dead-letters list|replay [--limit N]',
    ]);
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
