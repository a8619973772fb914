import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the access line of a request shows; the gateway's request id once the request reached it. */
export interface AccessEntry {
  requestId?: string;
}

/**
 * Writes one short line per request once its answer is sent, as `npm start` shows them:
 * `[api] POST /v1/calls/call_1/recordings 201 18ms <request id>` (the path without its query string,
 * which may hold cursors; the request id is the gateway's, as in `X-Request-Id` and the handler's log
 * lines). A request whose client went away before the answer is shown with status `-`.
 */
export function logAccess(
  req: IncomingMessage,
  res: ServerResponse,
  write: (line: string) => void,
): AccessEntry {
  const startedAt = performance.now();
  const entry: AccessEntry = {};
  const path = (req.url ?? '/').split('?')[0];
  res.once('close', () => {
    const status = res.writableFinished ? String(res.statusCode) : '-';
    const ms = Math.round(performance.now() - startedAt);
    write(`[api] ${req.method} ${path} ${status} ${ms}ms${entry.requestId ? ` ${entry.requestId}` : ''}`);
  });
  return entry;
}
