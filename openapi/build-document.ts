import { STATUS_CODES } from 'node:http';
import * as z from 'zod/mini';
import { REQUEST_ID_HEADER } from '../functions/recordings/http/request-id.ts';
import { MethodNotAllowedError, RouteNotFoundError } from '../shared/kernel/api-error.ts';
import { EVENT_TIME_HEADER } from '../shared/webhooks/deliver-webhook.ts';
import { WEBHOOK_HEADERS } from '../shared/webhooks/signature.ts';
import { type ErrorCase, errorsOf, OPERATIONS, type OperationSpec } from './api-operations.ts';
import {
  callIdSchema,
  componentOfEvent,
  errorSchemaFor,
  eventIdSchema,
  recordingIdSchema,
  requestSchemas,
  responseSchemas,
  WEBHOOK_SCHEMAS,
} from './api-schemas.ts';
import { WEBHOOK_EXAMPLES } from './examples.ts';

/** A JSON object of the document. */
type Json = Record<string, unknown>;

/** The OpenAPI version the document is written in. */
export const OPENAPI_VERSION = '3.1.1';

/** Response headers by name, as `components.headers` names them. */
const HEADER_COMPONENTS: Record<string, string> = {
  [REQUEST_ID_HEADER]: 'RequestId',
  'Cache-Control': 'CacheControl',
  'Retry-After': 'RetryAfter',
  'WWW-Authenticate': 'WwwAuthenticate',
  Allow: 'Allow',
  Location: 'Location',
};

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/**
 * A zod JSON Schema made fit for an OpenAPI 3.1 component: the dialect is the document's own (no
 * `$schema`/`$id` per schema) and JavaScript's safe-integer bounds, which zod adds to every integer,
 * are dropped (they say nothing to a client).
 */
function clean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(clean);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id') continue;
    if ((key === 'maximum' || key === 'minimum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
      continue;
    out[key] = clean(value);
  }
  return out;
}

/** `components.schemas`: every registered schema (responses as output, requests as input). */
function componentSchemas(): Json {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const responses = z.toJSONSchema(responseSchemas, { uri, io: 'output' }).schemas;
  const requests = z.toJSONSchema(requestSchemas, { uri, io: 'input' }).schemas;
  const ids = {
    CallId: z.toJSONSchema(callIdSchema),
    RecordingId: z.toJSONSchema(recordingIdSchema),
    EventId: z.toJSONSchema(eventIdSchema),
  };
  const all = { ...ids, ...responses, ...requests } as Json;
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((name) => [name, clean(all[name])]),
  );
}

const HEADERS: Json = {
  RequestId: {
    description:
      "This request's id (the API gateway's request id), on every answer. Every log line the request wrote carries it: quote it when asking for support.",
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
  CacheControl: {
    description: 'Answers are never cached (`no-store`).',
    required: true,
    schema: { type: 'string', pattern: 'no-store' },
  },
  RetryAfter: {
    description: 'Whole seconds to wait before trying again (at least 1).',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
  WwwAuthenticate: {
    description: 'The scheme the API takes: `Bearer`.',
    required: true,
    schema: { type: 'string', const: 'Bearer' },
  },
  Allow: {
    description: 'The methods the path answers.',
    required: true,
    schema: { type: 'string' },
  },
  Location: {
    description:
      'A signed link to the audio, valid `expires_in` seconds. Not a permanent URL: do not store it.',
    required: true,
    schema: { type: 'string', format: 'uri' },
  },
};

/** The headers of an answer: the request id and `Cache-Control` always, then those the errors carry. */
function headersOf(extra: readonly string[]): Json {
  return Object.fromEntries(
    [REQUEST_ID_HEADER, 'Cache-Control', ...extra].map((name) => {
      const component = HEADER_COMPONENTS[name];
      if (!component) throw new Error(`header ${name} has no component in the document`);
      return [name, ref('headers', component)];
    }),
  );
}

/** An error answer of one status: its codes (and nothing else), an example and a line for each. */
function errorResponse(cases: readonly ErrorCase[]): Json {
  const codes = [...new Set(cases.map((entry) => entry.error.code))] as [string, ...string[]];
  const headerNames = [...new Set(cases.flatMap((entry) => Object.keys(entry.error.headers)))];
  for (const name of headerNames) {
    if (!cases.every((entry) => name in entry.error.headers))
      throw new Error(`${name} is on some ${cases[0]?.error.statusCode} answers and not others`);
  }
  const examples: Json = {};
  for (const { error, when } of cases) {
    let name = error.code;
    for (let n = 2; name in examples; n += 1) name = `${error.code}_${n}`;
    examples[name] = { summary: when, value: { error: { code: error.code, message: error.message } } };
  }
  return {
    description: cases.map(({ error, when }) => `\`${error.code}\`: ${when}.`).join('\n\n'),
    headers: headersOf(headerNames),
    content: { 'application/json': { schema: clean(z.toJSONSchema(errorSchemaFor(codes))), examples } },
  };
}

/** One route's operation object. */
function operationObject(operation: OperationSpec): Json {
  const responses: Json = {};
  const { success } = operation;
  responses[String(success.status)] =
    success.status === 302
      ? {
          description: success.description,
          headers: {
            Location: ref('headers', 'Location'),
            ...headersOf([]),
          },
        }
      : {
          description: success.description,
          headers: headersOf([]),
          content: {
            'application/json': { schema: ref('schemas', success.schema), examples: success.examples },
          },
        };
  for (const [status, cases] of errorsOf(operation)) responses[String(status)] = errorResponse(cases);
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    ...(operation.parameters.length > 0 ? { parameters: operation.parameters } : {}),
    ...(operation.requestBody
      ? {
          requestBody: {
            required: false,
            description: operation.requestBody.description,
            content: {
              'application/json': {
                schema: ref('schemas', operation.requestBody.schema),
                examples: operation.requestBody.examples,
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** `not_found` → `NotFound`. */
const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .map((word) => `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}`)
    .join('');

/**
 * The `paths` object, each path with its operations, and the error answers several routes share
 * (authentication, limits, the gateway's own), kept once under `components.responses`.
 */
function pathsAndSharedResponses(): { paths: Json; responses: Json } {
  const operations = OPERATIONS.map((operation) => ({ operation, object: operationObject(operation) }));
  // Each error answer by its JSON: how many routes give it, and what names it (its codes, its status).
  const answers = new Map<string, { uses: number; codes: string[]; status: number; response: unknown }>();
  for (const { operation, object } of operations) {
    for (const [status, cases] of errorsOf(operation)) {
      const response = (object.responses as Json)[String(status)];
      const key = JSON.stringify(response);
      const seen = answers.get(key);
      const codes = [...new Set(cases.map((entry) => entry.error.code))];
      answers.set(key, { uses: (seen?.uses ?? 0) + 1, codes, status, response });
    }
  }
  // The most shared answer of a name gets it plain (`PayloadTooLarge`); another with the same codes
  // gets its status's name (`InternalErrorBadGateway`), else a number.
  const shared: Json = {};
  const names = new Map<string, string>();
  const statusOf = new Map<string, number>();
  const byUse = [...answers.entries()].filter(([, a]) => a.uses > 1).sort(([, a], [, b]) => b.uses - a.uses);
  for (const [key, answer] of byUse) {
    const base = pascal(answer.codes.join('_or_'));
    const withStatus = `${base}${pascal(STATUS_CODES[answer.status] ?? '')}`;
    const sameStatusTaken = statusOf.get(base) === answer.status;
    let name = !(base in shared)
      ? base
      : !sameStatusTaken && !(withStatus in shared)
        ? withStatus
        : undefined;
    for (let n = 2; !name; n += 1) name = `${base}${n}` in shared ? undefined : `${base}${n}`;
    if (!statusOf.has(base)) statusOf.set(base, answer.status);
    names.set(key, name);
    shared[name] = answer.response;
  }
  const paths: Record<string, Json> = {};
  for (const { operation, object } of operations) {
    const responses = object.responses as Json;
    for (const [status, response] of Object.entries(responses)) {
      const name = Number(status) >= 400 ? names.get(JSON.stringify(response)) : undefined;
      if (name) responses[status] = ref('responses', name);
    }
    paths[operation.path] = { ...paths[operation.path], [operation.method]: object };
  }
  return { paths, responses: shared };
}

const DELIVERY_HEADERS = [
  {
    name: WEBHOOK_HEADERS.eventId,
    in: 'header',
    required: true,
    description:
      'The event id: the same on every retry and redelivery. Deliveries are at least once: dedupe on it.',
    schema: ref('schemas', 'EventId'),
  },
  {
    name: EVENT_TIME_HEADER,
    in: 'header',
    required: true,
    description: 'When the event happened, to the millisecond: orders events across recordings.',
    schema: { type: 'string', format: 'date-time' },
  },
  {
    name: WEBHOOK_HEADERS.timestamp,
    in: 'header',
    required: true,
    description: 'Unix seconds of this attempt (signed; reject stale ones).',
    schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
  },
  {
    name: WEBHOOK_HEADERS.signature,
    in: 'header',
    required: false,
    description:
      'When the application has a webhook secret: for each secret in force, `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `v2=<hex HMAC-SHA256(secret, timestamp + "." + event_id + "." + body)>`, space-separated. Verify `v2` over the raw body bytes with `@minivoice/webhook-verifier` (or its Python module).',
    schema: { type: 'string', pattern: '^v[12]=[0-9a-f]{64}( v[12]=[0-9a-f]{64})*$' },
  },
  {
    name: 'User-Agent',
    in: 'header',
    required: true,
    description: 'The sender.',
    schema: { type: 'string', const: 'MiniVoice-Webhooks/1.0' },
  },
];

const WEBHOOK_SUMMARIES: Record<keyof typeof WEBHOOK_SCHEMAS, string> = {
  'recording.started': 'A recording started',
  'recording.completed': 'A recording completed; its audio is stored',
  'recording.failed': 'A recording failed',
  'recording.deleted': "A recording's audio was deleted",
};

/** The `webhooks` object: one POST to the application's `webhook_url` per event type. */
function webhooksObject(): Json {
  return Object.fromEntries(
    Object.keys(WEBHOOK_SCHEMAS).map((event) => [
      event,
      {
        post: {
          operationId: `${event.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase())}Webhook`,
          tags: ['Webhooks'],
          summary: WEBHOOK_SUMMARIES[event as keyof typeof WEBHOOK_SUMMARIES],
          description: `Sent to the application's \`webhook_url\` (${responseSchemas.get(WEBHOOK_SCHEMAS[event as keyof typeof WEBHOOK_SCHEMAS])?.description}). At least once; retried with backoff for more than 24 hours, then parked (see \`GET /v1/webhook-events\`), never dropped.`,
          security: [],
          parameters: DELIVERY_HEADERS,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref('schemas', componentOfEvent(event)),
                examples: { [event]: { value: WEBHOOK_EXAMPLES[event as keyof typeof WEBHOOK_EXAMPLES] } },
              },
            },
          },
          responses: {
            '2XX': { description: 'Delivered (any 2xx; the body is ignored). Answer fast.' },
            '410': {
              description:
                'Gone: the endpoint is marked `gone` and further events are parked until the webhook is set again.',
            },
            default: {
              description:
                'Any other answer (a 3xx too: redirects are not followed), a timeout (10 s) or a network error: retried, no sooner than a `Retry-After` you send.',
            },
          },
        },
      },
    ]),
  );
}

const DESCRIPTION = `Start and stop recording live calls, list, read, download and delete recordings, and see and replay the webhooks they caused.

**Authentication.** Every route takes \`Authorization: Bearer <application API key>\` (\`mv_live_…\` or \`mv_test_…\`), checked before anything else. A call, recording or webhook event of another application is answered exactly like one that does not exist (404).

**Errors.** Every error, including the gateway's own, is JSON: \`{"error": {"code": "...", "message": "..."}}\`. Branch on \`code\`; \`message\` is for people. Each route lists its codes by status. Besides those, any path the API does not have answers 404 \`not_found\`, and a method a path does not answer 405 \`method_not_allowed\` (with \`Allow\`).

**Limits.** 50 requests a second per application on average, in bursts of up to 100 (all its keys together): over that, 429 \`rate_limited\` with \`Retry-After\`, and nothing was done. Bodies: 64 KiB (413), 10 MiB at the gateway.

**Request ids.** Every answer has \`X-Request-Id\`; quote it when asking for support.

**Webhooks.** The \`webhooks\` section describes what the service POSTs to your \`webhook_url\`, and the headers to verify it with (\`npm install\` the verifier from \`packages/webhook-verifier\`).`;

/**
 * The OpenAPI 3.1 document of the API and its webhooks, built from the zod schemas the handlers' types
 * are bound to (api-schemas.ts), the errors each route answers (api-operations.ts, the very `ApiError`s
 * the handlers throw) and the spec's examples. `openapi/openapi.json` is this, written by `npm run
 * openapi`; a test fails when the two differ.
 */
export function buildOpenApiDocument(version: string): Json {
  const { paths, responses } = pathsAndSharedResponses();
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'MiniVoice Recordings API',
      version,
      description: DESCRIPTION,
    },
    servers: [
      { url: 'https://api.minivoice.eu', description: 'Production' },
      { url: 'http://127.0.0.1:3000', description: 'Local (`npm start`)' },
    ],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'Recordings', description: 'Start, stop, list, read, download and delete recordings.' },
      { name: 'Webhook events', description: 'Was a webhook delivered? Send it again.' },
      { name: 'Webhooks', description: 'What the service POSTs to your `webhook_url`.' },
    ],
    paths,
    webhooks: webhooksObject(),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key of the application: `mv_live_…` or `mv_test_…`.',
        },
      },
      schemas: componentSchemas(),
      headers: HEADERS,
      responses: {
        ...responses,
        RouteNotFound: errorResponse([{ error: new RouteNotFoundError(), when: 'no such path' }]),
        MethodNotAllowed: errorResponse([
          {
            error: new MethodNotAllowedError(['GET', 'DELETE']),
            when: 'the path does not answer this method',
          },
        ]),
      },
    },
  };
}
