import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers: a status (and headers), optionally after a delay. */
export type ReceiverReply = { status: number; headers?: Record<string, string>; delayMs?: number };

/** A real local HTTP receiver for webhook tests: records every request and answers as scripted. */
export async function startWebhookReceiver(port = 0) {
  const received: ReceivedWebhook[] = [];
  let reply: (request: ReceivedWebhook) => ReceiverReply = () => ({ status: 200 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = {
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const answer = reply(request);
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (!res.destroyed) res.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}/hooks/minivoice`,
    received,
    answer(next: (request: ReceivedWebhook) => ReceiverReply) {
      reply = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receiver's handle. */
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
