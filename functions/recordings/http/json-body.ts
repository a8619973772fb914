import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidJsonError, PayloadTooLargeError } from '../../../shared/kernel/api-error.ts';
import type { ParsedBody } from '../../../shared/kernel/parsed-body.ts';
import { MAX_BODY_BYTES } from '../request-schema.ts';

/**
 * Reads a JSON body the way the recordings route does (base64 when API Gateway says so, at most 64 KiB,
 * `invalid_json` otherwise; no body is `undefined`). Errors are returned, to be answered after auth.
 */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): ParsedBody {
  const raw = event.body ?? '';
  const decoded = event.isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
  const size = decoded ? decoded.length : Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) return { ok: false, error: new PayloadTooLargeError(MAX_BODY_BYTES) };
  const text = decoded ? decoded.toString('utf8') : raw;
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: new InvalidJsonError() };
  }
}
