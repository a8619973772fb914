import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OPENAPI_FILE } from './document-file.ts';

/** Where `npm start` serves the document and its rendered reference. */
export const API_REFERENCE_PATHS = { document: '/openapi.json', page: '/docs' } as const;

// Swagger UI's own files, served from node_modules: the page works with no network at all.
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
};

// No validator badge (it would send the document to a public service) and no request snippets that
// call out: everything the page does stays between the browser and this server.
const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: '${API_REFERENCE_PATHS.document}',
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: true,
  tryItOutEnabled: true,
  defaultModelsExpandDepth: 0,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>MiniVoice Recordings API</title>
    <link rel="stylesheet" href="${API_REFERENCE_PATHS.page}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${API_REFERENCE_PATHS.page}/favicon-32x32.png" />
    <style>body { margin: 0; } .top { font: 14px sans-serif; padding: 12px 20px; background: #1f2933; color: #e4e7eb; } .top a { color: #9fd3ff; }</style>
  </head>
  <body>
    <div class="top">MiniVoice Recordings API, served by <code>npm start</code>: the document is
      <a href="${API_REFERENCE_PATHS.document}">${API_REFERENCE_PATHS.document}</a>. "Authorize" with the
      <code>api_key</code> of <code>.local/demo.json</code> to try requests against this server.</div>
    <div id="reference"></div>
    <script src="${API_REFERENCE_PATHS.page}/swagger-ui-bundle.js"></script>
    <script src="${API_REFERENCE_PATHS.page}/init.js"></script>
  </body>
</html>
`;

/**
 * `npm start`'s API reference: `GET /openapi.json` (the committed document, with this server listed
 * first among its servers so "try it out" calls it) and `GET /docs` (the document rendered by Swagger
 * UI, whose files come from node_modules). No authentication: they describe the API, they hold nothing.
 * `handle` answers a request that is one of these and returns true; any other it leaves alone.
 */
export function createApiReference(options: { documentFile?: string } = {}) {
  const document = JSON.parse(readFileSync(options.documentFile ?? OPENAPI_FILE, 'utf8')) as {
    servers?: { url: string; description?: string }[];
  };
  const send = (res: ServerResponse, type: string, body: string | Buffer, cache = 'no-cache') => {
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': cache,
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };
  return {
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (path === API_REFERENCE_PATHS.document) {
        const here = {
          url: `http://${req.headers.host ?? '127.0.0.1'}`,
          description: 'This server (npm start)',
        };
        const servers = [here, ...(document.servers ?? []).filter((server) => server.url !== here.url)];
        send(res, 'application/json', JSON.stringify({ ...document, servers }));
        return true;
      }
      if (path === API_REFERENCE_PATHS.page || path === `${API_REFERENCE_PATHS.page}/`) {
        send(res, 'text/html; charset=utf-8', PAGE);
        return true;
      }
      const asset = path.startsWith(`${API_REFERENCE_PATHS.page}/`)
        ? path.slice(API_REFERENCE_PATHS.page.length + 1)
        : undefined;
      if (asset === 'init.js') {
        send(res, 'text/javascript; charset=utf-8', INITIALIZER);
        return true;
      }
      const known = asset === undefined ? undefined : ASSETS[asset];
      if (known) {
        send(res, known.type, readFileSync(join(SWAGGER_UI_DIR, known.file)), 'public, max-age=3600');
        return true;
      }
      return false;
    },
  };
}
