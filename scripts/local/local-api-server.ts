import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiGatewayEvent } from './api-gateway-event.ts';
import { localLambdaContext } from './lambda-context.ts';
import type { createWebhookInspector } from './webhook-inspector.ts';

/** An API Gateway (HTTP API) Lambda handler. */
export type ApiLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined>;

// API Gateway refuses bodies above 10 MB before the Lambda sees them.
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads a request body, stopping at the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The event API Gateway's HTTP API (payload format 2.0) would give the Lambda for this request. */
function toApiGatewayEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const text = body.toString('utf8');
  // Text that survives a UTF-8 round trip is passed as is; anything else base64, as API Gateway does.
  const binary = !Buffer.from(text, 'utf8').equals(body);
  return apiGatewayEvent({
    method: req.method ?? 'GET',
    path: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(body.length > 0 ? { body: binary ? body.toString('base64') : text } : {}),
    isBase64Encoded: binary,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${req.httpVersion}`,
  });
}

function sendLambdaResult(
  res: ServerResponse,
  result: APIGatewayProxyStructuredResultV2 | string | undefined,
) {
  if (typeof result !== 'object' || result === null) {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(typeof result === 'string' ? result : '');
    return;
  }
  const body = result.body ?? '';
  res
    .writeHead(result.statusCode ?? 200, result.headers as Record<string, string>)
    .end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/**
 * The local HTTP front door: `/_local/webhooks` is the webhook inspector, and every other request
 * becomes an API Gateway event for the real `recordings` handler, whose answer is written back as API
 * Gateway would. It serves no audio: recordings are downloaded through the API, from the S3 emulator.
 */
export function createLocalApiServer(options: {
  apiHandler: ApiLambda;
  inspector: ReturnType<typeof createWebhookInspector>;
  onError: (error: unknown) => void;
}): Server {
  return createServer(async (req, res) => {
    try {
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
      const body = await readBody(req);
      if (body === 'too_large') {
        res
          .writeHead(413, { 'Content-Type': 'application/json' })
          .end('{"message":"Request Entity Too Large"}');
        return;
      }
      sendLambdaResult(
        res,
        await options.apiHandler(toApiGatewayEvent(req, body), localLambdaContext('recordings', 28_000)),
      );
    } catch (error) {
      options.onError(error);
      // What API Gateway answers when the integration fails.
      if (!res.headersSent)
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"Internal Server Error"}');
    }
  });
}
