import { ActiveCallNotFoundError, CallUuidMissingError } from './errors.ts';
import { type ActiveRecording, type Call, type RecordableCall, TERMINAL_CALL_STATUSES } from './types.ts';

// Call ids are `call_` + letters/digits. No further `_`, so `rec_<call_id>_<n>` can never be ambiguous.
const CALL_ID_PATTERN = /^call_[A-Za-z0-9]{1,64}$/;

const terminal: ReadonlySet<string> = new Set(TERMINAL_CALL_STATUSES);

/** True when `id` has the shape of a call id. */
export function isValidCallId(id: string): boolean {
  return CALL_ID_PATTERN.test(id);
}

/** True while a call can still be recorded: it is not in a terminal state. */
export function isCallActive(call: Pick<Call, 'status'>): boolean {
  return !terminal.has(call.status);
}

/** Answers 404 for a missing or ended call and 409 for a call without a provider call id. */
export function assertRecordable(call: Call | undefined): asserts call is RecordableCall {
  if (call === undefined || !isCallActive(call)) throw new ActiveCallNotFoundError();
  if (!call.provider_call_id) throw new CallUuidMissingError();
}

/** `rec_<call_id>` for the first recording of a call, `rec_<call_id>_<n>` for later ones. */
export function recordingIdFor(callId: string, seq: number): string {
  return seq <= 1 ? `rec_${callId}` : `rec_${callId}_${seq}`;
}

/** True when a `starting`/`stopping` claim has outlived its lease (its owner is presumed dead). */
export function isClaimStale(active: ActiveRecording, now: number, leaseMs: number): boolean {
  return active.state !== 'started' && now - active.claimed_at >= leaseMs;
}
