import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  InvalidJsonError,
  InvalidRequestError,
  PayloadTooLargeError,
} from '../../shared/kernel/api-error.ts';
import type { ParsedCommand } from '../../shared/recordings/control-recording.ts';
import { InvalidActionError } from '../../shared/recordings/errors.ts';

/** Largest accepted request body (the gateway itself refuses bodies over 10 MiB before this). */
export const MAX_BODY_BYTES = 64 * 1024;

// Unknown fields are ignored (and dropped), as Twilio-class APIs do; only `action` is read.
const bodySchema = z.object({ action: z.optional(z.string()) });

/**
 * Parses the body ourselves so every failure has the spec's code: no/empty body or `{}` → start;
 * not JSON → `invalid_json`; not an object or non-string action → `invalid_request`; other action →
 * `invalid_action`. Errors are returned, not thrown: they are answered only after authentication.
 */
export function parseRecordingCommand(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
): ParsedCommand {
  const raw = event.body ?? '';
  // Only a base64 body needs decoding; a text body is measured in UTF-8 bytes as it is.
  const decoded = event.isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
  const size = decoded ? decoded.length : Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) {
    return { ok: false, error: new PayloadTooLargeError(MAX_BODY_BYTES), syntax: true };
  }
  const text = decoded ? decoded.toString('utf8') : raw;
  if (text.trim() === '') return { ok: true, action: 'start' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: new InvalidJsonError(), syntax: true };
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    const message =
      typeof json === 'object' && json !== null && !Array.isArray(json)
        ? 'action must be a string'
        : 'request body must be a JSON object';
    return { ok: false, error: new InvalidRequestError(message), syntax: false };
  }
  const action = parsed.data.action ?? 'start';
  if (action !== 'start' && action !== 'stop')
    return { ok: false, error: new InvalidActionError(), syntax: false };
  return { ok: true, action };
}
