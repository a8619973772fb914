import { admitCaller } from '../accounts/admit-caller.ts';
import { hashApiKey } from '../accounts/api-key.ts';
import { ownedBy } from '../accounts/authenticate.ts';
import { UnauthorizedError } from '../accounts/errors.ts';
import type { AdmissionDeps } from '../accounts/ports.ts';
import { InvalidRequestError } from '../kernel/api-error.ts';
import { isValidCallId } from '../recordings/call-rules.ts';
import type { Recording } from '../recordings/types.ts';
import { CallNotFoundError } from './errors.ts';
import type { ArchiveStore } from './ports.ts';
import { loadOwnedRecording } from './recording-access.ts';
import { decodeCursor, encodeCursor, parseLimit } from './request-params.ts';

/** Input of {@link listCallRecordings}, as the HTTP adapter extracts it (query values still raw). */
export interface ListRecordingsInput {
  apiKey: string | undefined;
  callId: string;
  limit: string | undefined;
  cursor: string | undefined;
}

/** The list route's answer. */
export interface RecordingList {
  data: Recording[];
  next_cursor: string | null;
}

/**
 * `GET /v1/calls/{id}/recordings`: a call's recordings, oldest first, a page at a time; ended calls
 * included, deleted recordings shown as such.
 *
 * Steps: no key → 401; the key and the call in one round trip; bad key → 401; over the application's
 * allowance → 429 `rate_limited`; malformed call id, bad `limit` or a cursor this route did not give for
 * this call → 400; no such call (or another application's) → 404 `call_not_found`; then one query for
 * the page (one more item than asked, to know whether another page exists).
 */
export async function listCallRecordings(
  input: ListRecordingsInput,
  deps: { archive: ArchiveStore } & AdmissionDeps,
): Promise<RecordingList> {
  if (input.apiKey === undefined) throw new UnauthorizedError();
  const callIdValid = isValidCallId(input.callId);
  const { apiKey, call } = await deps.archive.loadCallAccess(
    hashApiKey(input.apiKey),
    callIdValid ? input.callId : undefined,
  );
  const caller = await admitCaller(apiKey, deps);
  if (!callIdValid) throw new InvalidRequestError('call id in the path is malformed');
  const limit = parseLimit(input.limit);
  const afterSeq = decodeCursor(input.cursor, input.callId);
  if (call === undefined || !ownedBy(call, caller)) throw new CallNotFoundError();

  const page = await deps.archive.listRecordings(call.id, { afterSeq, limit });
  const last = page.recordings.at(-1);
  return {
    data: page.recordings.map((stored) => stored.recording),
    next_cursor: page.more && last ? encodeCursor(call.id, last.seq) : null,
  };
}

/** `GET /v1/recordings/{id}`: one recording, in one round trip with the authentication. */
export async function getOwnedRecording(
  input: { apiKey: string | undefined; recordingId: string },
  deps: { archive: ArchiveStore } & AdmissionDeps,
): Promise<Recording> {
  const { stored } = await loadOwnedRecording(input, deps, () => undefined);
  return stored.recording;
}
