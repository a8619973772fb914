import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from '../../shared/webhooks/signature.ts';

/** One delivery as the inspector saw it. */
export interface InspectedDelivery {
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

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * A webhook receiver for local development: verifies each delivery's signature with its application's
 * secret, answers 204 (or 401 when it does not verify, as a real receiver should), and shows the last
 * deliveries at GET /_local/webhooks as JSON, or as an HTML page for browsers.
 */
export function createWebhookInspector(secretFor: (applicationId: string) => Promise<string | undefined>) {
  const deliveries: InspectedDelivery[] = [];

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
    deliveries.unshift({
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
    const rows = deliveries
      .map((d) => {
        const recording = (d.body as { data?: { recording?: { id?: string; status?: string } } })?.data
          ?.recording;
        return `<tr><td>${escapeHtml(d.received_at)}</td><td>${escapeHtml(d.event ?? '?')}</td><td><code>${escapeHtml(d.event_id ?? '')}</code></td><td>${escapeHtml(recording?.id ?? '')}</td><td>${escapeHtml(recording?.status ?? '')}</td><td>${d.verified ? '✔ verified' : `✘ ${escapeHtml(d.reason ?? '')}`}</td><td><details><summary>body</summary><pre>${escapeHtml(JSON.stringify(d.body, null, 2))}</pre></details></td></tr>`;
      })
      .join('\n');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>MiniVoice local webhooks</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}pre{max-width:60em;overflow:auto}</style>
</head><body><h1>Webhooks received locally</h1><p>${deliveries.length} deliveries (newest first; refreshes every 2 s). JSON: <a href="/_local/webhooks">/_local/webhooks</a></p>
<table><thead><tr><th>received</th><th>event</th><th>event id</th><th>recording</th><th>status</th><th>signature</th><th></th></tr></thead><tbody>
${rows || '<tr><td colspan="7">Nothing yet: start and stop a recording.</td></tr>'}
</tbody></table></body></html>`);
  }

  return { receive, list, deliveries };
}
