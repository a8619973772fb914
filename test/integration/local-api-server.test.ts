import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { type ApiLambda, createLocalApiServer } from '../../scripts/local/local-api-server.ts';
import { createWebhookInspector } from '../../scripts/local/webhook-inspector.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { seedTenant } from '../support/aws-fixtures.ts';
import { errorBody } from '../support/expectations.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// `npm start`'s API Gateway stand-in in front of the real recordings handler (over the emulators):
// the REST API's body limit, its own answers in our envelope, and the WAF's per-address limit.
let h: ServiceHarness;
const servers: Server[] = [];

beforeAll(async () => {
  h = await createServiceHarness();
});
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});
afterAll(async () => {
  await h.close();
});

/** The stand-in in front of `apiHandler` (the harness's recordings handler unless given). */
async function standIn(options: Partial<Parameters<typeof createLocalApiServer>[0]> = {}) {
  const server = createLocalApiServer({
    apiHandler: h.handler as unknown as ApiLambda,
    inspector: createWebhookInspector(async () => undefined),
    onError: () => undefined,
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: answers are asserted whole.
  body: any;
}

/** One HTTP request to the stand-in, from `localAddress` (a loopback address) if given. */
function send(
  port: number,
  input: {
    method?: string;
    path?: string;
    headers?: Record<string, string | string[]>;
    body?: Buffer | string;
    localAddress?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: input.method ?? 'POST',
        path: input.path ?? '/v1/calls/call_abc/recordings',
        headers: input.headers ?? {},
        ...(input.localAddress ? { localAddress: input.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: {
              'content-type': res.headers['content-type'],
              'retry-after': res.headers['retry-after'] as string | undefined,
            },
            body: text === '' ? undefined : JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(input.body);
  });
}

const json = (retryAfter?: string) => ({ 'content-type': 'application/json', 'retry-after': retryAfter });
const UNAUTHORIZED = {
  status: 401,
  headers: json(),
  body: errorBody('unauthorized', 'a valid API key is required'),
};

describe('the local API Gateway stand-in', () => {
  it('refuses a body over 10 MiB with 413 payload_too_large before authentication', async () => {
    const port = await standIn();

    expect(await send(port, { body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20) })).toEqual({
      status: 413,
      headers: json(),
      body: errorBody('payload_too_large', 'request body must be at most 10485760 bytes'),
    });
  });

  it('passes a body of exactly 10 MiB to the function, which answers 401 without a key', async () => {
    const port = await standIn();

    expect(await send(port, { body: Buffer.alloc(10 * 1024 * 1024, 0x20) })).toEqual(UNAUTHORIZED);
  });

  it('answers 401 to a body over 64 KiB without a key (authentication first)', async () => {
    const port = await standIn();

    expect(await send(port, { body: Buffer.alloc(64 * 1024 + 1, 0x20) })).toEqual(UNAUTHORIZED);
  });

  it('answers an authenticated body over 64 KiB with the function’s 413 payload_too_large', async () => {
    const port = await standIn();
    const call = await h.newCall();

    const answer = await send(port, {
      path: `/v1/calls/${call.id}/recordings`,
      headers: { authorization: `Bearer ${h.tenant.apiKey}` },
      body: Buffer.alloc(64 * 1024 + 1, 0x20),
    });

    expect(answer).toEqual({
      status: 413,
      headers: json(),
      body: errorBody('payload_too_large', 'request body must be at most 65536 bytes'),
    });
  });

  it('applies the function’s per-application limits', async () => {
    const tenant = await seedTenant(h.documents, h.table);
    const call = await h.newCall(tenant);
    const port = await standIn({
      apiHandler: createRecordingsHandler({
        ...h.deps,
        allowance: createDynamoDbRequestAllowance(
          h.documents,
          h.table,
          { perSecond: 0.2, burst: 1 },
          systemClock,
        ),
      }) as unknown as ApiLambda,
    });
    const post = () =>
      send(port, {
        path: `/v1/calls/${call.id}/recordings`,
        headers: { authorization: `Bearer ${tenant.apiKey}` },
      });

    expect([(await post()).status, await post()]).toEqual([
      200,
      {
        status: 429,
        headers: json('5'),
        body: errorBody(
          'rate_limited',
          'too many requests; retry after the number of seconds in Retry-After',
        ),
      },
    ]);
  });

  it('answers 502 internal_error in the envelope when the function crashes', async () => {
    const port = await standIn({
      apiHandler: async () => {
        throw new Error('Runtime.ExitError');
      },
    });

    expect(await send(port)).toEqual({
      status: 502,
      headers: json(),
      body: errorBody('internal_error', 'an unexpected error occurred; it has been logged'),
    });
  });

  it('answers 502 internal_error when the function returns something that is not a response', async () => {
    const port = await standIn({ apiHandler: async () => 'not a proxy response' });

    expect((await send(port)).body).toEqual(
      errorBody('internal_error', 'an unexpected error occurred; it has been logged'),
    );
  });

  it('answers 504 internal_error in the envelope when the function does not answer in time', async () => {
    const port = await standIn({
      integrationTimeoutMs: 50,
      apiHandler: () =>
        new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: '' }), 500)),
    });

    expect(await send(port)).toEqual({
      status: 504,
      headers: json(),
      body: errorBody('internal_error', 'the request timed out; it may have taken effect, retry it'),
    });
  });

  it('limits requests per source address when configured, each address apart', async () => {
    const port = await standIn({ addressRateLimit: 2 });

    const answers = [await send(port), await send(port), await send(port)];
    const otherAddress = await send(port, { localAddress: '127.0.0.2' });

    expect([...answers, otherAddress]).toEqual([
      UNAUTHORIZED,
      UNAUTHORIZED,
      {
        status: 429,
        headers: json('60'),
        body: errorBody(
          'rate_limited',
          'too many requests; retry after the number of seconds in Retry-After',
        ),
      },
      UNAUTHORIZED,
    ]);
  });

  it('has no per-address limit unless configured', async () => {
    const port = await standIn();

    const answers = await Promise.all(Array.from({ length: 120 }, () => send(port)));

    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([401]));
  });

  it('gives the function the REST API event of the request', async () => {
    let seen: APIGatewayProxyEvent | undefined;
    const port = await standIn({
      apiHandler: async (event) => {
        seen = event;
        return { statusCode: 204, body: '' };
      },
    });

    await send(port, {
      method: 'GET',
      path: '/v1/recordings/rec_call_1%5F2/media?expires_in=60&expires_in=90',
      headers: { Authorization: 'Bearer k', 'X-Trace': ['a', 'b'] },
    });

    expect(seen).toMatchObject({
      resource: '/v1/recordings/{id}/media',
      path: '/v1/recordings/rec_call_1%5F2/media',
      httpMethod: 'GET',
      pathParameters: { id: 'rec_call_1_2' },
      queryStringParameters: { expires_in: '90' },
      multiValueQueryStringParameters: { expires_in: ['60', '90'] },
      headers: { Authorization: 'Bearer k', 'X-Trace': 'b' },
      multiValueHeaders: { Authorization: ['Bearer k'], 'X-Trace': ['a', 'b'] },
      body: null,
      isBase64Encoded: false,
      requestContext: {
        httpMethod: 'GET',
        resourcePath: '/v1/recordings/{id}/media',
        identity: { sourceIp: '127.0.0.1' },
      },
    });
  });
});

describe('the local stand-in’s access log', () => {
  /** The lines written, with each duration written as `<n>ms`. */
  const masked = (lines: string[]) => lines.map((line) => line.replace(/ \d+ms/, ' <n>ms'));

  it('writes one line per request once answered: method, path without its query, status, time, request id', async () => {
    const lines: string[] = [];
    const seen: string[] = [];
    const port = await standIn({
      accessLog: (line) => lines.push(line),
      apiHandler: async (event) => {
        seen.push(event.requestContext.requestId);
        return { statusCode: 204, body: '' };
      },
    });

    await send(port, { method: 'GET', path: '/v1/calls/call_1/recordings?cursor=secret' });
    await send(port, { method: 'POST', path: '/v1/calls/call_1/recordings', body: '{}' });

    expect(masked(lines)).toEqual([
      `[api] GET /v1/calls/call_1/recordings 204 <n>ms ${seen[0]}`,
      `[api] POST /v1/calls/call_1/recordings 204 <n>ms ${seen[1]}`,
    ]);
  });

  it('logs the gateway’s own answers with their request id, and the inspector’s without one', async () => {
    const lines: string[] = [];
    const port = await standIn({ accessLog: (line) => lines.push(line) });

    await send(port, { body: Buffer.alloc(10 * 1024 * 1024 + 1) });
    await send(port, { method: 'GET', path: '/_local/webhooks' });

    expect(masked(lines)).toEqual([
      expect.stringMatching(/^\[api\] POST \/v1\/calls\/call_abc\/recordings 413 <n>ms [0-9a-f-]{36}$/),
      '[api] GET /_local/webhooks 200 <n>ms',
    ]);
  });

  it('gives each of its own answers the request id in X-Request-Id, the id its access line names', async () => {
    const lines: string[] = [];
    const ids: (string | undefined)[] = [];
    const capture = async (port: number, input: Parameters<typeof send>[1] = {}) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: '/v1/calls/call_abc/recordings' },
          (res) => {
            ids.push(res.headers['x-request-id'] as string | undefined);
            res.resume().on('end', resolve);
          },
        );
        req.on('error', reject);
        req.end(input.body);
      });
    const limited = await standIn({ addressRateLimit: 1, accessLog: (line) => lines.push(line) });
    const crashing = await standIn({
      accessLog: (line) => lines.push(line),
      apiHandler: async () => {
        throw new Error('Runtime.ExitError');
      },
    });
    const silent = await standIn({
      accessLog: (line) => lines.push(line),
      integrationTimeoutMs: 50,
      apiHandler: () =>
        new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: '' }), 500)),
    });

    await capture(limited, { body: Buffer.alloc(10 * 1024 * 1024 + 1) }); // 413
    await capture(limited); // 429: the address's one request is used
    await capture(crashing); // 502
    await capture(silent); // 504

    const logged = lines.map((line) => line.split(' ').at(-1));
    expect([ids, lines.map((line) => line.split(' ')[3])]).toEqual([logged, ['413', '429', '502', '504']]);
    expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id ?? ''))).toBe(true);
  });

  it('writes nothing when no access log is given', async () => {
    const written: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => written.push(args.join(' '));
    try {
      await send(await standIn(), { method: 'GET', path: '/_local/webhooks' });
    } finally {
      console.log = original;
    }

    expect(written).toEqual([]);
  });
});
