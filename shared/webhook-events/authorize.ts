import { admitCaller } from '../accounts/admit-caller.ts';
import { hashApiKey } from '../accounts/api-key.ts';
import type { Caller } from '../accounts/authenticate.ts';
import { UnauthorizedError } from '../accounts/errors.ts';
import type { AdmissionDeps } from '../accounts/ports.ts';
import type { ApiKeyReader } from './ports.ts';

/**
 * Authenticates a request's key (401 for a missing, unknown, revoked or disabled one), then takes the
 * request from its application's allowance (429 `rate_limited` when over it).
 */
export async function authorize(
  apiKey: string | undefined,
  deps: { keys: ApiKeyReader } & AdmissionDeps,
): Promise<Caller> {
  if (apiKey === undefined) throw new UnauthorizedError();
  return admitCaller(await deps.keys.getApiKey(hashApiKey(apiKey)), deps);
}
