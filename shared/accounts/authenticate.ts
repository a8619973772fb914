import { UnauthorizedError } from './errors.ts';
import type { ApiKey } from './types.ts';

/** Who a request acts for once its key has been accepted. */
export interface Caller {
  application_id: string;
  customer_id: string;
}

/**
 * Accepts a key only if it exists, is not revoked and its application is not disabled; anything else is
 * 401 `unauthorized`, the same answer whatever the reason, so a key's state is never revealed.
 */
export function authenticate(apiKey: ApiKey | undefined): Caller {
  if (apiKey === undefined || apiKey.status !== 'active' || apiKey.application_status !== 'active') {
    throw new UnauthorizedError();
  }
  return { application_id: apiKey.application_id, customer_id: apiKey.customer_id };
}

/** True when a resource with these owner ids belongs to the caller (application and customer). */
export function ownedBy(resource: Caller, caller: Caller): boolean {
  return resource.application_id === caller.application_id && resource.customer_id === caller.customer_id;
}
