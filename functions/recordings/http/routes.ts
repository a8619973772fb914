import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MethodNotAllowedError, RouteNotFoundError } from '../../../shared/kernel/api-error.ts';

/** The API's routes, with their raw (still unvalidated) path ids. */
export type Route =
  | { name: 'control-recording'; callId: string }
  | { name: 'list-recordings'; callId: string }
  | { name: 'get-recording'; recordingId: string }
  | { name: 'delete-recording'; recordingId: string }
  | { name: 'download-recording'; recordingId: string }
  | { name: 'list-webhook-events' }
  | { name: 'get-webhook-event'; eventId: string }
  | { name: 'redeliver-webhook-event'; eventId: string }
  | { name: 'redeliver-parked-events' }
  | { name: 'get-webhook-endpoint' };

/** Each path, the methods it answers, and the route each method is. */
const ROUTES: {
  pattern: RegExp;
  methods: Record<string, (id: string) => Route>;
}[] = [
  {
    pattern: /^\/v1\/calls\/([^/]+)\/recordings$/,
    methods: {
      POST: (callId) => ({ name: 'control-recording', callId }),
      GET: (callId) => ({ name: 'list-recordings', callId }),
    },
  },
  {
    pattern: /^\/v1\/recordings\/([^/]+)$/,
    methods: {
      GET: (recordingId) => ({ name: 'get-recording', recordingId }),
      DELETE: (recordingId) => ({ name: 'delete-recording', recordingId }),
    },
  },
  {
    pattern: /^\/v1\/recordings\/([^/]+)\/media$/,
    methods: { GET: (recordingId) => ({ name: 'download-recording', recordingId }) },
  },
  { pattern: /^\/v1\/webhook-events()$/, methods: { GET: () => ({ name: 'list-webhook-events' }) } },
  // Before the event route: `redeliver` is not an event id.
  {
    pattern: /^\/v1\/webhook-events\/redeliver()$/,
    methods: { POST: () => ({ name: 'redeliver-parked-events' }) },
  },
  {
    pattern: /^\/v1\/webhook-events\/([^/]+)$/,
    methods: { GET: (eventId) => ({ name: 'get-webhook-event', eventId }) },
  },
  {
    pattern: /^\/v1\/webhook-events\/([^/]+)\/redeliver$/,
    methods: { POST: (eventId) => ({ name: 'redeliver-webhook-event', eventId }) },
  },
  { pattern: /^\/v1\/webhook-endpoint()$/, methods: { GET: () => ({ name: 'get-webhook-endpoint' }) } },
];

/**
 * Matches a request to its route. Any other path is 404 `not_found`, a method the path does not
 * answer 405 `method_not_allowed` (with `Allow`), both in the JSON envelope.
 */
export function matchRoute(event: APIGatewayProxyEventV2): Route {
  const path = event.rawPath ?? '';
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(path);
    if (!match || match[1] === undefined) continue;
    const route = methods[event.requestContext.http.method];
    if (!route) throw new MethodNotAllowedError(Object.keys(methods));
    return route(decodePathId(match[1]));
  }
  throw new RouteNotFoundError();
}

/** A path id, URL-decoded; malformed escapes are kept as sent and answered as a malformed id later. */
function decodePathId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** One query-string parameter as sent (API Gateway joins repeated ones with commas). */
export function queryValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.queryStringParameters?.[name];
}

/** Header lookup that ignores case (API Gateway lower-cases them; local tools may not). */
export function headerValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
