import { InvalidRequestError } from '../kernel/api-error.ts';
import { boundedInteger, LIST_LIMIT } from '../kernel/query-params.ts';
import { recordingIdFor } from '../recordings/call-rules.ts';
import { parseRecordingId, type RecordingRef } from '../recordings/recording-files.ts';

/** Lifetime of a download link in seconds: 60–3600, 300 when not given. */
export const DOWNLOAD_EXPIRY = { min: 60, max: 3600, default: 300 } as const;

const CURSOR_VERSION = 1;

/** A recording id in its one canonical form (`rec_<call_id>` or `rec_<call_id>_<n>`, n ≥ 2). */
export function parseRecordingRef(id: string): RecordingRef | undefined {
  const ref = parseRecordingId(id);
  return ref && recordingIdFor(ref.callId, ref.seq) === id ? ref : undefined;
}

/** The recording id of a path, or 400 `invalid_request`. */
export function requireRecordingRef(id: string): RecordingRef {
  const ref = parseRecordingRef(id);
  if (!ref) throw new InvalidRequestError('recording id in the path is malformed');
  return ref;
}

/** `limit` of the list route. */
export function parseLimit(raw: string | undefined): number {
  return boundedInteger('limit', raw, LIST_LIMIT);
}

/** `expires_in` of the download route, in seconds. */
export function parseExpiresIn(raw: string | undefined): number {
  return boundedInteger('expires_in', raw, DOWNLOAD_EXPIRY);
}

/**
 * The cursor the list route hands out after a page: opaque to clients, it names the call and the last
 * recording number returned, so it is only good for the same call's list.
 */
export function encodeCursor(callId: string, afterSeq: number): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, call: callId, after: afterSeq })).toString(
    'base64url',
  );
}

/** The recording number a cursor continues after (0 without one), or 400 `invalid_request`. */
export function decodeCursor(raw: string | undefined, callId: string): number {
  if (raw === undefined) return 0;
  const invalid = new InvalidRequestError('cursor is not one this list gave for this call');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const cursor = decoded as { v?: unknown; call?: unknown; after?: unknown };
  if (
    cursor?.v !== CURSOR_VERSION ||
    cursor.call !== callId ||
    !Number.isSafeInteger(cursor.after) ||
    (cursor.after as number) < 1 ||
    encodeCursor(callId, cursor.after as number) !== raw
  ) {
    throw invalid;
  }
  return cursor.after as number;
}
