import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { API_RESOURCES } from '../../functions/recordings/http/routes.ts';

/** What varies between requests; the rest of the event is what API Gateway always sends. */
export interface ApiGatewayRequest {
  method?: string;
  /** The request path, percent-encoded as sent. */
  path: string;
  rawQueryString?: string;
  /** Names as the client sent them (the REST API keeps their case); one value each. */
  headers?: Record<string, string>;
  /** Headers with every value, in order, for names sent more than once. */
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
  isBase64Encoded?: boolean;
  sourceIp?: string;
  protocol?: string;
  /** The gateway's id of the request (default: a new one), as its access log and answers show it. */
  requestId?: string;
}

// The stage the local stand-in pretends to serve (the stack's REST API stage name).
const STAGE = 'local';

/**
 * The event API Gateway's REST API gives the Lambda for a request (Lambda proxy integration, payload
 * format 1.0): `headers` holds the last value of each header and `multiValueHeaders` all of them (the
 * same for the query string), values decoded; `path` is the request's path without the stage;
 * `resource` and `pathParameters` are those of the API's resource the path matches (the `{proxy+}`
 * catch-all for any other path).
 */
export function apiGatewayEvent(request: ApiGatewayRequest): APIGatewayProxyEvent {
  const method = request.method ?? 'POST';
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) multiValueHeaders[name] = [value];
  Object.assign(multiValueHeaders, request.multiValueHeaders);
  const headers = Object.fromEntries(
    Object.entries(multiValueHeaders).map(([name, values]) => [name, values.at(-1) ?? '']),
  );
  const query = queryParameters(request.rawQueryString ?? '');
  const { resource, pathParameters } = resourceOf(request.path);
  const now = new Date();
  const header = (name: string) =>
    Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1] ?? null;
  return {
    resource,
    path: request.path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, values]) => [name, values.at(-1) ?? '']))
      : null,
    multiValueQueryStringParameters: query ?? null,
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      domainName: header('host') ?? 'localhost',
      domainPrefix: 'local',
      extendedRequestId: randomUUID(),
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent: header('user-agent'),
        userArn: null,
      },
      path: `/${STAGE}${request.path}`,
      protocol: request.protocol ?? 'HTTP/1.1',
      requestId: request.requestId ?? randomUUID(),
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: resource,
      stage: STAGE,
    },
    body: request.body ?? null,
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** Each name's decoded values, in order; null when there is no query string. */
function queryParameters(raw: string): Record<string, string[]> | null {
  if (raw === '') return null;
  const parameters: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(raw))
    parameters[name] = [...(parameters[name] ?? []), value];
  return parameters;
}

/** The API's resource a path falls under, and its path parameters (decoded, as API Gateway passes them). */
function resourceOf(path: string): {
  resource: string;
  pathParameters: Record<string, string> | null;
} {
  const segments = path.split('/');
  for (const { resource } of API_RESOURCES) {
    const parts = resource.split('/');
    if (parts.length !== segments.length) continue;
    let id: string | undefined;
    const matches = parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part !== '{id}') return part === segment;
      id = segment;
      return segment !== '';
    });
    if (matches) return { resource, pathParameters: id === undefined ? null : { id: decoded(id) } };
  }
  return { resource: '/{proxy+}', pathParameters: { proxy: decoded(path.replace(/^\//, '')) } };
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
