/** Why a request was not admitted by its application's allowance. */
export type AllowanceDecision =
  | { kind: 'allowed' }
  /** Over the limit: the request fits again after `retryAfterMs` (> 0). */
  | { kind: 'limited'; retryAfterMs: number }
  /** The application was disabled (its allowance item says so): refused like any rejected key. */
  | { kind: 'disabled' };

/**
 * Per-application request allowance, shared by every container: each authenticated request takes one
 * request from its application's allowance, atomically.
 */
export interface RequestAllowance {
  take(applicationId: string): Promise<AllowanceDecision>;
}

/** Ports of the admission step that follows authentication. */
export interface AdmissionDeps {
  allowance: RequestAllowance;
}
