/**
 * Base of every error that the API answers with its own status and code. The HTTP edge turns it into
 * the JSON error envelope in one place; anything that is not an `ApiError` is a 500.
 */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** Extra response headers (e.g. `Allow` on 405, `Retry-After` on 429 and 503). */
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

/**
 * 429 `rate_limited`: too many requests (an application over its allowance, or, at the gateway, one
 * source address over its limit). `Retry-After` is in whole seconds, at least 1.
 */
export class RateLimitedError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', 'too many requests; retry after the number of seconds in Retry-After', {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
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

/** 500 `internal_error`: anything unexpected; the details go to the log, never to the client. */
export class InternalError extends ApiError {
  constructor() {
    super(500, 'internal_error', 'an unexpected error occurred; it has been logged');
  }
}

/**
 * The gateway's own 502 (the function crashed or answered something that is not a response), with the
 * spec's code for anything unexpected.
 */
export class IntegrationFailedError extends ApiError {
  constructor() {
    super(502, 'internal_error', 'an unexpected error occurred; it has been logged');
  }
}

/**
 * The gateway's own 504 (the function did not answer in time). The request may have taken effect, so
 * this is not "nothing changed": a retry of a start or stop is safe (both are idempotent).
 */
export class IntegrationTimeoutError extends ApiError {
  constructor() {
    super(504, 'internal_error', 'the request timed out; it may have taken effect, retry it');
  }
}
