import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';
import { INSPECTOR_PAGE } from './webhook-inspector-page.ts';

/** One delivery as the inspector saw it. */
export interface InspectedDelivery {
  /** Unique within this run of the inspector: the page keeps the rows it shows by it. */
  id: string;
  received_at: string;
  event_id: string | undefined;
  event: string | undefined;
  application_id: string | undefined;
  verified: boolean;
  /** Why verification failed, when it did. */
  reason?: string;
  headers: Record<string, string>;
  body: unknown;
}

const KEPT = 200;

/**
 * A webhook receiver for local development: verifies each delivery's signature with its application's
 * secret, answers 204 (or 401 when it does not verify, as a real receiver should), and shows the last
 * deliveries at GET /_local/webhooks as JSON, or as a page for browsers (webhook-inspector-page.ts)
 * that keeps itself up to date from that JSON.
 */
export function createWebhookInspector(secretFor: (applicationId: string) => Promise<string | undefined>) {
  const deliveries: InspectedDelivery[] = [];
  // Ids differ from one run to the next, so a page left open across a restart opens nothing by mistake.
  const run = Date.now().toString(36);
  let received = 0;

  async function receive(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    let parsed: { event?: string; call?: { application_id?: string } } | undefined;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const applicationId = parsed?.call?.application_id;
    const secret = applicationId ? await secretFor(applicationId) : undefined;
    const check = secret
      ? verifyWebhook(secret, req.headers, body, 300)
      : { ok: false as const, reason: 'no secret for this application' };
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(
          ([name]) => name.startsWith('x-minivoice-') || name === 'user-agent' || name === 'content-type',
        )
        .map(([name, value]) => [name, String(value)]),
    );
    received += 1;
    deliveries.unshift({
      id: `${run}-${received}`,
      received_at: new Date().toISOString(),
      event_id: headers['x-minivoice-event-id'],
      event: parsed?.event,
      application_id: applicationId,
      verified: check.ok,
      ...(check.ok ? {} : { reason: check.reason }),
      headers,
      body: parsed ?? body.toString('utf8'),
    });
    deliveries.length = Math.min(deliveries.length, KEPT);
    res.writeHead(check.ok ? 204 : 401).end();
  }

  function list(req: IncomingMessage, res: ServerResponse) {
    const wantsHtml = (req.headers.accept ?? '').includes('text/html') || (req.url ?? '').endsWith('.html');
    if (!wantsHtml) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ deliveries }, null, 2));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(INSPECTOR_PAGE);
  }

  return { receive, list, deliveries };
}
