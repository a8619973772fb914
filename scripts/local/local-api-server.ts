import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorResponse } from '../../functions/recordings/http/responses.ts';
import { createApiReference } from '../../openapi/api-reference.ts';
import {
  type ApiError,
  IntegrationFailedError,
  IntegrationTimeoutError,
  PayloadTooLargeError,
  RateLimitedError,
} from '../../shared/kernel/api-error.ts';
import { logAccess } from './access-log.ts';
import { createAddressRateLimit } from './address-rate-limit.ts';
import { apiGatewayEvent } from './api-gateway-event.ts';
import { localLambdaContext } from './lambda-context.ts';
import type { createWebhookInspector } from './webhook-inspector.ts';

/** An API Gateway REST API (Lambda proxy integration) handler. */
export type ApiLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

/** The REST API refuses bodies above 10 MiB itself, before the Lambda (or authentication) sees them. */
export const GATEWAY_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** How long the REST API waits for the Lambda before it answers 504 itself (its default, 29 s). */
export const INTEGRATION_TIMEOUT_MS = 29_000;

// The recordings function's own timeout, as the stack sets it (below the integration's).
const FUNCTION_TIMEOUT_MS = 28_000;

/** Reads a request body, stopping at the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > GATEWAY_BODY_LIMIT_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The event the REST API (Lambda proxy integration) would give the Lambda for this request. */
function toApiGatewayEvent(req: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  // Names as the client sent them (rawHeaders keeps their case), every value of a repeated one.
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), req.rawHeaders[i + 1] as string];
  }
  const text = body.toString('utf8');
  // Text that survives a UTF-8 round trip is passed as is; anything else base64, as API Gateway does.
  const binary = !Buffer.from(text, 'utf8').equals(body);
  return apiGatewayEvent({
    method: req.method ?? 'GET',
    path: url.pathname,
    rawQueryString: url.search.slice(1),
    multiValueHeaders,
    ...(body.length > 0 ? { body: binary ? body.toString('base64') : text } : {}),
    isBase64Encoded: binary,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${req.httpVersion}`,
    requestId,
  });
}

/** A Lambda proxy result the REST API accepts (anything else is its 502 "malformed response"). */
function isProxyResult(result: unknown): result is APIGatewayProxyResult {
  if (typeof result !== 'object' || result === null) return false;
  const { statusCode, body } = result as Partial<APIGatewayProxyResult>;
  return Number.isInteger(statusCode) && (body === undefined || typeof body === 'string');
}

function sendLambdaResult(res: ServerResponse, result: APIGatewayProxyResult) {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map(String);
  }
  const body = result.body ?? '';
  res.writeHead(result.statusCode, headers).end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * One of the gateway's own answers, in our JSON envelope and with the request's id in `X-Request-Id`
 * (as the stack's gateway responses are).
 */
function gatewayAnswer(error: ApiError, requestId: string): APIGatewayProxyResult {
  const answer = errorResponse(error);
  return { ...answer, headers: { ...answer.headers, 'X-Request-Id': requestId } };
}

function sendGatewayAnswer(res: ServerResponse, error: ApiError, requestId: string) {
  sendLambdaResult(res, gatewayAnswer(error, requestId));
}

/** Runs the Lambda as the REST API's integration does: its answer, or the gateway's 502/504. */
async function invoke(
  handler: ApiLambda,
  event: APIGatewayProxyEvent,
  timeoutMs: number,
  onError: (error: unknown) => void,
): Promise<APIGatewayProxyResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const result = await Promise.race([
      handler(event, localLambdaContext('recordings', Math.min(FUNCTION_TIMEOUT_MS, timeoutMs))),
      timedOut,
    ]);
    if (result === 'timeout')
      return gatewayAnswer(new IntegrationTimeoutError(), event.requestContext.requestId);
    if (isProxyResult(result)) return result;
    onError(new Error(`malformed Lambda proxy response: ${JSON.stringify(result)?.slice(0, 200)}`));
    return gatewayAnswer(new IntegrationFailedError(), event.requestContext.requestId);
  } catch (error) {
    // The function crashed: what API Gateway answers when the integration fails.
    onError(error);
    return gatewayAnswer(new IntegrationFailedError(), event.requestContext.requestId);
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link createLocalApiServer}. */
export interface LocalApiServerOptions {
  apiHandler: ApiLambda;
  inspector: ReturnType<typeof createWebhookInspector>;
  onError: (error: unknown) => void;
  /**
   * The WAF's rate-based rule: at most this many requests per source address in any minute (429
   * `rate_limited`, with `Retry-After`). Off when undefined, as under `npm start` by default.
   */
  addressRateLimit?: number;
  /** How long the gateway waits for the Lambda before answering 504 ({@link INTEGRATION_TIMEOUT_MS}). */
  integrationTimeoutMs?: number;
  /** Receives one access line per request, once answered (see access-log.ts); none when undefined. */
  accessLog?: (line: string) => void;
}

/**
 * The local HTTP front door, standing in for the WAF and the REST API: `/_local/webhooks` is the
 * webhook inspector; every other request passes the per-address limit (when configured) and the 10 MiB
 * body limit, then becomes a REST API event for the real `recordings` handler, whose answer is written
 * back as API Gateway would. Every answer the gateway gives itself (429, 413, 502, 504) is our JSON
 * envelope. Per-application limits come from the handler. It serves no audio: recordings are
 * downloaded through the API, from the S3 emulator.
 */
export function createLocalApiServer(options: LocalApiServerOptions): Server {
  const perAddress =
    options.addressRateLimit === undefined ? undefined : createAddressRateLimit(options.addressRateLimit);
  const timeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  // GET /openapi.json and /docs (the API reference): no key, no limit; they hold nothing.
  const reference = createApiReference();
  return createServer(async (req, res) => {
    const access = options.accessLog ? logAccess(req, res, options.accessLog) : {};
    let requestId = randomUUID();
    try {
      if (reference.handle(req, res)) return;
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (path === '/_local/health') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
        return;
      }
      if (path === '/_local/webhooks' || path === '/_local/webhooks.html') {
        if (req.method === 'POST') {
          const body = await readBody(req);
          if (body === 'too_large') res.writeHead(413).end();
          else await options.inspector.receive(req, res, body);
        } else {
          options.inspector.list(req, res);
        }
        return;
      }
      // From here on the request is the gateway's: it has the request id the handler is given.
      requestId = randomUUID();
      access.requestId = requestId;
      // The WAF comes first: a refused address never reaches the gateway (nor anyone's allowance).
      const waitMs = perAddress?.take(req.socket.remoteAddress ?? '');
      if (waitMs !== undefined) {
        req.resume();
        sendGatewayAnswer(res, new RateLimitedError(Math.ceil(waitMs / 1000)), requestId);
        return;
      }
      const body = await readBody(req);
      if (body === 'too_large') {
        sendGatewayAnswer(res, new PayloadTooLargeError(GATEWAY_BODY_LIMIT_BYTES), requestId);
        return;
      }
      sendLambdaResult(
        res,
        await invoke(options.apiHandler, toApiGatewayEvent(req, body, requestId), timeoutMs, options.onError),
      );
    } catch (error) {
      options.onError(error);
      if (!res.headersSent) sendGatewayAnswer(res, new IntegrationFailedError(), requestId);
    }
  });
}
