import { isCallActive } from '../domain/call-rules.ts';
import type { ActiveRecording, Call } from '../domain/types.ts';
import { ActiveCallNotFoundError, CallBusyError, CallUuidMissingError } from '../errors.ts';
import type { Clock } from '../ports.ts';

/** A call that passed the spec's checks 5 and 6: active and with a provider call id. */
export type RecordableCall = Call & { provider_call_id: string };

/** Answers 404 for a missing or ended call and 409 for a call without a provider call id. */
export function assertRecordable(call: Call | undefined): asserts call is RecordableCall {
  if (call === undefined || !isCallActive(call)) throw new ActiveCallNotFoundError();
  if (!call.provider_call_id) throw new CallUuidMissingError();
}

/** True when a `starting`/`stopping` claim has outlived its lease (its owner is presumed dead). */
export function isClaimStale(active: ActiveRecording, now: number, leaseMs: number): boolean {
  return active.state !== 'started' && now - active.claimed_at >= leaseMs;
}

/**
 * Waits, with growing pauses, while another request holds the call's claim; gives up with 503 once
 * the lease has run out twice over (by then the claim is stale and will have been taken over).
 */
export function createClaimWaiter(clock: Clock, leaseMs: number): () => Promise<void> {
  const giveUpAt = clock.now().getTime() + 2 * leaseMs;
  let pauseMs = 25;
  return async () => {
    if (clock.now().getTime() >= giveUpAt) throw new CallBusyError();
    await clock.sleep(pauseMs);
    pauseMs = Math.min(pauseMs * 2, 250);
  };
}
