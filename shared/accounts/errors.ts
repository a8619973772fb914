import { ApiError } from '../kernel/api-error.ts';

/** 401 `unauthorized`: missing, malformed, unknown or revoked key, or a disabled application. */
export class UnauthorizedError extends ApiError {
  constructor() {
    super(401, 'unauthorized', 'a valid API key is required', { 'WWW-Authenticate': 'Bearer' });
  }
}
