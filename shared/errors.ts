/** Base of every error that the API answers with its own status and code. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

/** 400 `invalid_json`: the body is not valid JSON. */
export class InvalidJsonError extends ApiError {
  constructor() {
    super(400, 'invalid_json', 'request body is not valid JSON');
  }
}

/** 400 `invalid_request`: well-formed JSON that is not an acceptable request, or a malformed path id. */
export class InvalidRequestError extends ApiError {
  constructor(message: string) {
    super(400, 'invalid_request', message);
  }
}

/** 400 `invalid_action`: `action` is a string other than `start` or `stop`. */
export class InvalidActionError extends ApiError {
  constructor() {
    super(400, 'invalid_action', 'action must be "start" or "stop"');
  }
}

/** 401 `unauthorized`: missing, malformed, unknown or revoked key, or a disabled application. */
export class UnauthorizedError extends ApiError {
  constructor() {
    super(401, 'unauthorized', 'a valid API key is required', { 'WWW-Authenticate': 'Bearer' });
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

/** 502 `recording_stop_failed`: the media server refused or did not answer the stop; retry is safe. */
export class RecordingStopFailedError extends ApiError {
  constructor() {
    super(502, 'recording_stop_failed', 'the media server could not stop the recording; it is still started');
  }
}

/** 404 `not_found`: no such route. */
export class RouteNotFoundError extends ApiError {
  constructor() {
    super(404, 'not_found', 'no such route');
  }
}

/** 405 `method_not_allowed`: the route exists but not for this method. */
export class MethodNotAllowedError extends ApiError {
  constructor(allowed: readonly string[]) {
    super(405, 'method_not_allowed', `method not allowed; use ${allowed.join(', ')}`, {
      Allow: allowed.join(', '),
    });
  }
}

/** 413 `payload_too_large`: the body is over the limit. */
export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `request body must be at most ${limitBytes} bytes`);
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

/** Raised by provider adapters when the media server refuses, fails or times out. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly reason: 'refused' | 'rejected' | 'timeout' | 'protocol',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

/** 503 `service_unavailable`: a storage dependency failed transiently (outage, throttling); retry. */
export class DependencyUnavailableError extends ApiError {
  constructor(dependency: string, options?: { cause?: unknown }) {
    super(503, 'service_unavailable', `${dependency} is temporarily unavailable; retry shortly`, {
      'Retry-After': '1',
    });
    if (options?.cause) this.cause = options.cause;
  }
}
