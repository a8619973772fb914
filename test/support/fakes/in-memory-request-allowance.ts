import { type AllowancePolicy, gcraOf, gcraStep } from '../../../shared/accounts/gcra.ts';
import type { RequestAllowance } from '../../../shared/accounts/ports.ts';
import type { Clock } from '../../../shared/kernel/clock.ts';
import type { InMemoryState } from './in-memory-state.ts';

/**
 * {@link RequestAllowance} over the fakes' state (`state.rates`, the `RATE#` items): the same GCRA as the
 * DynamoDB adapter, bound to it by `test/integration/contracts/request-allowance.contract.test.ts`.
 */
export function createInMemoryRequestAllowance(
  state: InMemoryState,
  policy: AllowancePolicy,
  clock: Clock,
): RequestAllowance {
  const gcra = gcraOf(policy);
  return {
    async take(applicationId) {
      const item = state.rates.get(applicationId) ?? {};
      if (item.application_status === 'disabled') return { kind: 'disabled' };
      const now = clock.now().getTime();
      const step = gcraStep(item.tat, now, gcra);
      if (step.kind === 'refuse') return { kind: 'limited', retryAfterMs: step.retryAfterMs };
      const tat = step.kind === 'restart' || item.tat === undefined ? now : item.tat;
      state.rates.set(applicationId, { ...item, tat: tat + gcra.intervalMs });
      return { kind: 'allowed' };
    },
  };
}
