import type { APIGatewayProxyEvent } from 'aws-lambda';
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

/**
 * Each resource (as the REST API names it, `{id}` being its one path parameter), the methods it
 * answers, and the route each method is. Order matters where two could match: `redeliver` is not an
 * event id.
 */
const ROUTES: { resource: string; methods: Record<string, (id: string) => Route> }[] = [
  {
    resource: '/v1/calls/{id}/recordings',
    methods: {
      POST: (callId) => ({ name: 'control-recording', callId }),
      GET: (callId) => ({ name: 'list-recordings', callId }),
    },
  },
  {
    resource: '/v1/recordings/{id}',
    methods: {
      GET: (recordingId) => ({ name: 'get-recording', recordingId }),
      DELETE: (recordingId) => ({ name: 'delete-recording', recordingId }),
    },
  },
  {
    resource: '/v1/recordings/{id}/media',
    methods: { GET: (recordingId) => ({ name: 'download-recording', recordingId }) },
  },
  { resource: '/v1/webhook-events', methods: { GET: () => ({ name: 'list-webhook-events' }) } },
  {
    resource: '/v1/webhook-events/redeliver',
    methods: { POST: () => ({ name: 'redeliver-parked-events' }) },
  },
  {
    resource: '/v1/webhook-events/{id}',
    methods: { GET: (eventId) => ({ name: 'get-webhook-event', eventId }) },
  },
  {
    resource: '/v1/webhook-events/{id}/redeliver',
    methods: { POST: (eventId) => ({ name: 'redeliver-webhook-event', eventId }) },
  },
  { resource: '/v1/webhook-endpoint', methods: { GET: () => ({ name: 'get-webhook-endpoint' }) } },
];

/** A resource's path pattern: `{id}` is one path segment, captured. */
const patternOf = (resource: string) =>
  new RegExp(`^${resource.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('{id}', '([^/]+)')}$`);

const MATCHERS = ROUTES.map((route) => ({ ...route, pattern: patternOf(route.resource) }));

/**
 * The API's resources and their methods (REST API resource paths): what the stack exposes and the
 * local stand-in names in its events. Every other path or method still reaches the function, which
 * answers the JSON 404/405.
 */
export const API_RESOURCES: readonly { resource: string; methods: readonly string[] }[] = ROUTES.map(
  ({ resource, methods }) => ({ resource, methods: Object.keys(methods) }),
);

/**
 * Matches a request to its route by its path (the REST API's `path`: percent-encoded, without the
 * stage). Any other path is 404 `not_found`, a method the path does not answer 405
 * `method_not_allowed` (with `Allow`), both in the JSON envelope.
 */
export function matchRoute(event: Pick<APIGatewayProxyEvent, 'path' | 'httpMethod'>): Route {
  const path = event.path ?? '';
  for (const { pattern, methods } of MATCHERS) {
    const match = pattern.exec(path);
    if (!match) continue;
    const route = methods[event.httpMethod];
    if (!route) throw new MethodNotAllowedError(Object.keys(methods));
    return route(decodePathId(match[1] ?? ''));
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

/**
 * One query-string parameter as sent. The REST API keeps only the last of repeated ones in
 * `queryStringParameters`, so they are read from `multiValueQueryStringParameters` and joined with
 * commas: a repeated parameter stays visible (and is refused where a single value is expected).
 */
export function queryValue(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
  name: string,
): string | undefined {
  const values = event.multiValueQueryStringParameters?.[name];
  if (values && values.length > 0) return values.join(',');
  return event.queryStringParameters?.[name];
}

/**
 * Header lookup that ignores case (the REST API passes names as the client sent them). Repeated
 * headers (kept whole only in `multiValueHeaders`) are joined with commas, so two `Authorization`
 * headers are one malformed value, never the last one alone.
 */
export function headerValue(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, list] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && list) values.push(...list);
  }
  if (values.length > 0) return values.join(',');
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
