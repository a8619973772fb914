import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalize, resolve, sep } from 'node:path';

/**
 * HTTP handler serving the simulator's WAV files under `urlPrefix` (GET/HEAD only, no directory
 * listing, no path escaping `directory`). Returns false when the request is not for it.
 */
export function createRecordingFileHandler(directory: string, urlPrefix = '/recordings/') {
  const root = resolve(directory);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith(urlPrefix)) return false;
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname.slice(urlPrefix.length));
    } catch {
      relative = '';
    }
    const file = resolve(root, normalize(relative));
    const inside = file.startsWith(root + sep) && file.endsWith('.wav');
    const info = inside ? await stat(file).catch(() => undefined) : undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (!info?.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    } else {
      res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': String(info.size) });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    }
    return true;
  };
}
