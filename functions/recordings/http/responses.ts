import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ApiError } from '../../../shared/kernel/api-error.ts';

/** A JSON response in the shape API Gateway's REST API (Lambda proxy integration) expects from Lambda. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** The spec's error envelope: `{"error": {"code", "message"}}`. */
export function errorResponse(error: ApiError): APIGatewayProxyResult {
  return jsonResponse(
    error.statusCode,
    { error: { code: error.code, message: error.message } },
    error.headers,
  );
}

/** A redirect that no cache may keep (the target is a short-lived, signed link). */
export function redirectResponse(location: string): APIGatewayProxyResult {
  return {
    statusCode: 302,
    headers: { Location: location, 'Cache-Control': 'no-store, private' },
    body: '',
  };
}
