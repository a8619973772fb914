import { RateLimitedError } from '../kernel/api-error.ts';
import { authenticate, type Caller } from './authenticate.ts';
import { UnauthorizedError } from './errors.ts';
import { retryAfterSeconds } from './gcra.ts';
import type { AdmissionDeps } from './ports.ts';
import type { ApiKey } from './types.ts';

/**
 * Authenticates a request, then takes it from its application's allowance: what every route does
 * first, before it looks at anything else.
 *
 * Steps:
 * 1. Unknown, revoked or disabled key → 401 (nothing is taken from any allowance).
 * 2. Take one request from the application's allowance (one conditional write, shared by all
 *    containers); over it → 429 `rate_limited` with `Retry-After`; the application disabled → 401.
 */
export async function admitCaller(apiKey: ApiKey | undefined, deps: AdmissionDeps): Promise<Caller> {
  const caller = authenticate(apiKey);
  const decision = await deps.allowance.take(caller.application_id);
  if (decision.kind === 'disabled') throw new UnauthorizedError();
  if (decision.kind === 'limited') throw new RateLimitedError(retryAfterSeconds(decision.retryAfterMs));
  return caller;
}
