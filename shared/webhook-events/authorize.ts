import { hashApiKey } from '../accounts/api-key.ts';
import { authenticate, type Caller } from '../accounts/authenticate.ts';
import { UnauthorizedError } from '../accounts/errors.ts';
import type { ApiKeyReader } from './ports.ts';

/** Authenticates a request's key (401 for a missing, unknown, revoked or disabled one). */
export async function authorize(apiKey: string | undefined, deps: { keys: ApiKeyReader }): Promise<Caller> {
  if (apiKey === undefined) throw new UnauthorizedError();
  return authenticate(await deps.keys.getApiKey(hashApiKey(apiKey)));
}
