import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MethodNotAllowedError, RouteNotFoundError } from '../../../shared/kernel/api-error.ts';

const RECORDINGS_PATH = /^\/v1\/calls\/([^/]+)\/recordings$/;

/**
 * Matches `POST /v1/calls/{id}/recordings` and returns the raw (still unvalidated) call id. Any other
 * path is 404 `not_found`, any other method 405 `method_not_allowed`, both in the JSON envelope.
 */
export function matchRecordingsRoute(event: APIGatewayProxyEventV2): { callId: string } {
  const match = RECORDINGS_PATH.exec(event.rawPath ?? '');
  if (!match?.[1]) throw new RouteNotFoundError();
  if (event.requestContext.http.method !== 'POST') throw new MethodNotAllowedError(['POST']);
  let callId: string;
  try {
    callId = decodeURIComponent(match[1]);
  } catch {
    callId = match[1]; // malformed escapes are answered as a malformed id after authentication
  }
  return { callId };
}

/** Header lookup that ignores case (API Gateway lower-cases them; local tools may not). */
export function headerValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
