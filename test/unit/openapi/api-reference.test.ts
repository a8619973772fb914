import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../../openapi/document-file.ts';
import { createLocalApiServer } from '../../../scripts/local/local-api-server.ts';
import { createWebhookInspector } from '../../../scripts/local/webhook-inspector.ts';

// `npm start`'s front door serves the API reference itself: the document and the rendered page, with
// no key, and never hands those paths to the API.
let server: Server;
let base: string;
const reachedApi: string[] = [];

beforeAll(async () => {
  server = createLocalApiServer({
    apiHandler: async (event) => {
      reachedApi.push(event.path);
      throw new Error('the API reference must not reach the API');
    },
    inspector: createWebhookInspector(async () => undefined),
    onError: () => undefined,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

describe('GET /openapi.json', () => {
  it('answers the committed document, listing this server first, without a key', async () => {
    const response = await fetch(`${base}/openapi.json`);
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/json']);
    expect(await response.json()).toEqual({
      ...committed,
      servers: [{ url: base, description: 'This server (npm start)' }, ...committed.servers],
    });
    expect(reachedApi).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('answers a page that loads only files this server serves', async () => {
    const response = await fetch(`${base}/docs`);
    const html = await response.text();
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');

    expect([response.status, response.headers.get('content-type')]).toEqual([
      200,
      'text/html; charset=utf-8',
    ]);
    expect(loaded).toEqual([
      '/docs/swagger-ui.css',
      '/docs/favicon-32x32.png',
      '/openapi.json',
      '/docs/swagger-ui-bundle.js',
      '/docs/init.js',
    ]);
  });

  it('serves every file the page loads', async () => {
    const answers = await Promise.all(
      ['/docs/swagger-ui.css', '/docs/favicon-32x32.png', '/docs/swagger-ui-bundle.js', '/docs/init.js'].map(
        async (path) => {
          const response = await fetch(`${base}${path}`);
          const body = Buffer.from(await response.arrayBuffer());
          return [path, response.status, response.headers.get('content-type'), body.length > 0];
        },
      ),
    );
    expect(answers).toEqual([
      ['/docs/swagger-ui.css', 200, 'text/css; charset=utf-8', true],
      ['/docs/favicon-32x32.png', 200, 'image/png', true],
      ['/docs/swagger-ui-bundle.js', 200, 'text/javascript; charset=utf-8', true],
      ['/docs/init.js', 200, 'text/javascript; charset=utf-8', true],
    ]);
  });

  it('points the renderer at the document and at no outside validator', async () => {
    const init = await (await fetch(`${base}/docs/init.js`)).text();
    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });
});

describe('other paths', () => {
  it('serves no other file of the renderer: the path goes to the API', async () => {
    const response = await fetch(`${base}/docs/index.html`);
    expect(response.status).toBe(502);
    expect(reachedApi).toEqual(['/docs/index.html']);
  });
});
