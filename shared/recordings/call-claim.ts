import type { Clock } from '../kernel/clock.ts';
import { assertRecordable } from './call-rules.ts';
import { CallBusyError } from './errors.ts';
import type { ClaimResult, RecordingDeps } from './ports.ts';
import type { Call, RecordableCall } from './types.ts';

/** What to do with the call as it is now. */
export type ClaimStep<T> =
  /** Answer at once (e.g. the recording is already started). */
  | { kind: 'answer'; value: T }
  /** Another request holds the call: wait, read the call again and decide again. */
  | { kind: 'wait' }
  /** Take a claim with `take` (a conditional write); if it is ours, `run` the command under it. */
  | { kind: 'claim'; take: () => Promise<ClaimResult>; run: (call: RecordableCall) => Promise<T> };

/**
 * The loop behind start and stop. It checks the call is recordable, lets `decide` pick a step, waits
 * for another request's claim, and retries with the call as it now is whenever a conditional write
 * loses a race. Throwing from `decide` answers with that error.
 */
export async function withCallClaim<T>(
  call: Call | undefined,
  deps: Pick<RecordingDeps, 'store' | 'clock' | 'settings'>,
  decide: (call: RecordableCall, now: number) => ClaimStep<T>,
): Promise<T> {
  const wait = createClaimWaiter(deps.clock, deps.settings.claimLeaseMs);
  let current = call;
  for (;;) {
    assertRecordable(current);
    const step = decide(current, deps.clock.now().getTime());
    if (step.kind === 'answer') return step.value;
    if (step.kind === 'wait') {
      await wait();
      current = await deps.store.getCall(current.id);
      continue;
    }
    const result = await step.take();
    if (!result.ok) {
      current = result.call;
      continue;
    }
    return step.run(current);
  }
}

/**
 * Waits, with growing pauses, while another request holds the call's claim; gives up with 503 once
 * the lease has run out twice over (by then the claim is stale and will have been taken over).
 */
function createClaimWaiter(clock: Clock, leaseMs: number): () => Promise<void> {
  const giveUpAt = clock.now().getTime() + 2 * leaseMs;
  let pauseMs = 25;
  return async () => {
    if (clock.now().getTime() >= giveUpAt) throw new CallBusyError();
    await clock.sleep(pauseMs);
    pauseMs = Math.min(pauseMs * 2, 250);
  };
}
