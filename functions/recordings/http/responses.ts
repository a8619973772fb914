import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from '../../../shared/kernel/api-error.ts';

/** A JSON response in the shape API Gateway (HTTP API, payload 2.0) expects from Lambda. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** The spec's error envelope: `{"error": {"code", "message"}}`. */
export function errorResponse(error: ApiError): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(
    error.statusCode,
    { error: { code: error.code, message: error.message } },
    error.headers,
  );
}

/** A redirect that no cache may keep (the target is a short-lived, signed link). */
export function redirectResponse(location: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 302,
    headers: { Location: location, 'Cache-Control': 'no-store, private' },
    body: '',
  };
}
