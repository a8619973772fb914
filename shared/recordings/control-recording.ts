import { admitCaller } from '../accounts/admit-caller.ts';
import { hashApiKey } from '../accounts/api-key.ts';
import { ownedBy } from '../accounts/authenticate.ts';
import { UnauthorizedError } from '../accounts/errors.ts';
import type { AdmissionDeps } from '../accounts/ports.ts';
import { ApiError, InvalidRequestError } from '../kernel/api-error.ts';
import { isValidCallId } from './call-rules.ts';
import { ActiveCallNotFoundError } from './errors.ts';
import type { RecordingDeps } from './ports.ts';
import { startRecording } from './start-recording.ts';
import { stopRecording } from './stop-recording.ts';
import type { Recording } from './types.ts';

/** `start` or `stop`. */
export type RecordingAction = 'start' | 'stop';

/**
 * The request body after parsing: an action, or the error it deserves (answered only after auth).
 * `syntax` errors (too large, not JSON) come before the path's call id is judged; the others after.
 */
export type ParsedCommand =
  | { ok: true; action: RecordingAction }
  | { ok: false; error: ApiError; syntax: boolean };

/** Input of {@link controlRecording}, as the HTTP adapter extracts it. */
export interface ControlRecordingInput {
  /** A well-formed key from the `Authorization` header, or undefined when there was none. */
  apiKey: string | undefined;
  callId: string;
  command: ParsedCommand;
}

/** The `data` of a successful answer. */
export interface ControlRecordingResult {
  call_id: string;
  provider_call_id: string;
  action: RecordingAction;
  recording: Recording;
}

/**
 * `POST /v1/calls/{id}/recordings`: authenticates, validates in the spec's order, then starts or stops.
 *
 * Steps:
 * 1. Read the key (by hash) and the call in one round trip; unknown/revoked key or disabled app → 401;
 *    then take the request from the application's allowance (429 `rate_limited` when over it).
 * 2. Body errors: too large (413), invalid JSON, then malformed request or call id, then unknown action.
 * 3. A call of another application or customer is answered as missing (404).
 * 4. Start or stop.
 *
 * Counts every command in `RecordingCommands` by `command` (start, stop, or `invalid` when the body
 * named none) and `outcome`: the recording's status after it, or the error's code.
 */
export async function controlRecording(
  input: ControlRecordingInput,
  deps: RecordingDeps & AdmissionDeps,
): Promise<ControlRecordingResult> {
  const command = input.command.ok ? input.command.action : 'invalid';
  try {
    const result = await runCommand(input, deps);
    deps.metrics.count('RecordingCommands', 1, { command, outcome: result.recording.status });
    return result;
  } catch (error) {
    const outcome = error instanceof ApiError ? error.code : 'internal_error';
    deps.metrics.count('RecordingCommands', 1, { command, outcome });
    throw error;
  }
}

async function runCommand(
  input: ControlRecordingInput,
  deps: RecordingDeps & AdmissionDeps,
): Promise<ControlRecordingResult> {
  if (input.apiKey === undefined) throw new UnauthorizedError();
  const callIdValid = isValidCallId(input.callId);
  const { apiKey, call } = await deps.store.loadAccess(
    hashApiKey(input.apiKey),
    callIdValid ? input.callId : undefined,
  );
  const caller = await admitCaller(apiKey, deps);
  const { command } = input;
  if (!command.ok && command.syntax) throw command.error;
  if (!callIdValid) throw new InvalidRequestError('call id in the path is malformed');
  if (!command.ok) throw command.error;

  if (call === undefined || !ownedBy(call, caller)) throw new ActiveCallNotFoundError();
  const recording =
    command.action === 'start' ? await startRecording(call, deps) : await stopRecording(call, deps);
  return {
    call_id: recording.call_id,
    provider_call_id: recording.provider_call_id,
    action: command.action,
    recording,
  };
}
