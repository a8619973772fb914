// A minimal MiniVoice webhook receiver: verifies each delivery, ignores repeats, answers fast.
// Run: MINIVOICE_WEBHOOK_SECRET=whsec_... PORT=4000 npx tsx examples/webhook-receiver.ts
// During a secret rotation, give both secrets space-separated: either verifies.
import { createServer } from 'node:http';
// Your application installs this package (packages/webhook-verifier): npm install @minivoice/webhook-verifier
import { verifyWebhook } from '../packages/webhook-verifier/index.js';

const secrets = (process.env.MINIVOICE_WEBHOOK_SECRET ?? '').split(/\s+/).filter(Boolean);
if (secrets.length === 0) throw new Error('set MINIVOICE_WEBHOOK_SECRET to your application webhook secret');
const port = Number(process.env.PORT ?? 4000);
const seen = new Set<string>(); // use a database in production: deliveries are at least once

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks); // verify the raw bytes, before any JSON parsing
    const check = verifyWebhook(secrets, req.headers, body, 300);
    if (!check.ok) {
      res.writeHead(401).end(check.reason);
      return;
    }
    const eventId = check.eventId ?? '';
    if (!seen.has(eventId)) {
      seen.add(eventId);
      const event = JSON.parse(body.toString('utf8'));
      console.log(
        JSON.stringify({ event_id: eventId, event: event.event, recording: event.data?.recording?.id }),
      );
    }
    res.writeHead(204).end(); // any 2xx tells MiniVoice the event arrived
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}/`));
