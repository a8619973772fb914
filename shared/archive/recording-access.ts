import { admitCaller } from '../accounts/admit-caller.ts';
import { hashApiKey } from '../accounts/api-key.ts';
import { type Caller, ownedBy } from '../accounts/authenticate.ts';
import { UnauthorizedError } from '../accounts/errors.ts';
import type { AdmissionDeps } from '../accounts/ports.ts';
import { InvalidRequestError } from '../kernel/api-error.ts';
import type { Call } from '../recordings/types.ts';
import { RecordingNotFoundError } from './errors.ts';
import type { ArchiveStore } from './ports.ts';
import { parseRecordingRef } from './request-params.ts';
import type { StoredRecording } from './types.ts';

/** A recording the caller owns, its call, and what the route's own parameters parsed to. */
export interface OwnedRecording<P> {
  caller: Caller;
  stored: StoredRecording;
  call: Call | undefined;
  params: P;
}

/**
 * The recording routes' common first steps, in the order Part 2 of the spec answers them:
 * 1. No key → 401. The key, the recording and its call are read in one round trip.
 * 2. Unknown, revoked or disabled key → 401; over the application's allowance → 429 `rate_limited`.
 * 3. Malformed recording id, then the route's own bad parameters (`parseParams`) → 400.
 * 4. No such recording, or another application's → 404 `recording_not_found` (never telling which).
 */
export async function loadOwnedRecording<P>(
  input: { apiKey: string | undefined; recordingId: string },
  deps: { archive: ArchiveStore } & AdmissionDeps,
  parseParams: () => P,
): Promise<OwnedRecording<P>> {
  if (input.apiKey === undefined) throw new UnauthorizedError();
  const ref = parseRecordingRef(input.recordingId);
  const { apiKey, stored, call } = await deps.archive.loadRecordingAccess(hashApiKey(input.apiKey), ref);
  const caller = await admitCaller(apiKey, deps);
  if (!ref) throw new InvalidRequestError('recording id in the path is malformed');
  const params = parseParams();
  if (!stored || stored.recording.id !== input.recordingId || !ownedBy(stored.recording, caller)) {
    throw new RecordingNotFoundError();
  }
  return { caller, stored, call, params };
}
