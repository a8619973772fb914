import { type Call, TERMINAL_CALL_STATUSES } from './types.ts';

const terminal: ReadonlySet<string> = new Set(TERMINAL_CALL_STATUSES);

/** True while a call can still be recorded: it is not in a terminal state. */
export function isCallActive(call: Pick<Call, 'status'>): boolean {
  return !terminal.has(call.status);
}

/** `rec_<call_id>` for the first recording of a call, `rec_<call_id>_<n>` for later ones. */
export function recordingIdFor(callId: string, seq: number): string {
  return seq <= 1 ? `rec_${callId}` : `rec_${callId}_${seq}`;
}

/** RFC 3339 UTC with seconds precision, as the spec shows: `2026-05-29T12:00:00Z`. */
export function toRfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
