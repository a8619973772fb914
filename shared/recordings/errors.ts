import { ApiError } from '../kernel/api-error.ts';

/** 400 `invalid_action`: `action` is a string other than `start` or `stop`. */
export class InvalidActionError extends ApiError {
  constructor() {
    super(400, 'invalid_action', 'action must be "start" or "stop"');
  }
}

/** 404 `active_call_not_found`: no such call for this application, or the call has ended. */
export class ActiveCallNotFoundError extends ApiError {
  constructor() {
    super(404, 'active_call_not_found', 'no active call with this id');
  }
}

/** 404 `recording_not_started`: stop was asked but nothing is recording. */
export class RecordingNotStartedError extends ApiError {
  constructor() {
    super(404, 'recording_not_started', 'recording is not currently started');
  }
}

/** 409 `call_uuid_missing`: the call has no provider call id yet, so it cannot be recorded. */
export class CallUuidMissingError extends ApiError {
  constructor() {
    super(409, 'call_uuid_missing', 'the call has no media-server channel yet');
  }
}

/** 502 `recording_start_failed`: the media server refused or did not answer the start. */
export class RecordingStartFailedError extends ApiError {
  constructor() {
    super(502, 'recording_start_failed', 'the media server could not start the recording');
  }
}

/**
 * 502 `recording_stop_failed`: the stop did not finish (the media server refused or did not answer, or
 * the audio is not stored yet); the recording is still `started` and a retry is safe.
 */
export class RecordingStopFailedError extends ApiError {
  constructor(message = 'the media server could not stop the recording; it is still started') {
    super(502, 'recording_stop_failed', message);
  }
}

/** 503 `call_busy`: another request on the same call held it longer than we could wait. */
export class CallBusyError extends ApiError {
  constructor() {
    super(503, 'call_busy', 'another recording request on this call is still in progress; retry shortly', {
      'Retry-After': '1',
    });
  }
}

/** 503 `call_busy`: our claim was taken over before we could commit (we outlived the lease); retry. */
export class ClaimLostError extends ApiError {
  constructor() {
    super(503, 'call_busy', 'another request took over this call; retry shortly', { 'Retry-After': '1' });
  }
}

/**
 * Raised by provider adapters when a media-server command fails. The reason says what is known of the
 * command: `unreachable` — it never reached the switch; `rejected` — the switch answered and refused it;
 * `no_reply` — it was sent and no answer came (late, lost, connection dropped): it may have run.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly reason: 'unreachable' | 'rejected' | 'no_reply',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }

  /** True when the command may have been carried out although it failed. */
  get uncertain(): boolean {
    return this.reason === 'no_reply';
  }
}

/**
 * A command about a call (or a media event) naming no media server while several are configured: no
 * node can be chosen, so nothing was sent (`unreachable`), and trying again cannot change that; only a
 * named node can (call control writing the call's `media_node`, a relay sending it in its events).
 */
export class MediaNodeUnnamedError extends ProviderError {
  constructor(readonly configured: readonly string[]) {
    super(
      `the call names no media server (media_node) and several are configured (${configured.join(', ')})`,
      'unreachable',
    );
    this.name = 'MediaNodeUnnamedError';
  }
}
