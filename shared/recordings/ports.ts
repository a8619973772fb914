import type { ApiKey } from '../accounts/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { IdGenerator } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import type { EventQueue } from '../webhooks/ports.ts';
import type { OutboxEvent } from '../webhooks/types.ts';
import type { Call, RecordedMedia, Recording } from './types.ts';

/** What one authentication + call read returns (one round trip in the DynamoDB adapter). */
export interface AccessSnapshot {
  apiKey: ApiKey | undefined;
  call: Call | undefined;
}

/** A claim on a call's recording slot, held while the provider is called. */
export interface Claim {
  callId: string;
  claimId: string;
  recordingId: string;
  seq: number;
  claimedAt: number;
}

/** Result of trying to take a claim: the call as it is now, and whether we hold the claim. */
export type ClaimResult = { ok: true; call: Call } | { ok: false; call: Call | undefined };

/**
 * Persistence of calls and recordings. Every state change is conditional, and every commit writes the
 * state change, the recording and its webhook event (the outbox) in one transaction.
 */
export interface RecordingStore {
  /** Reads the API key (by hash) and, when given, the call in one round trip. */
  loadAccess(keyHash: string, callId: string | undefined): Promise<AccessSnapshot>;
  /** Strongly consistent read of a call. */
  getCall(callId: string): Promise<Call | undefined>;
  /**
   * Claims an active call's free recording slot for a start. With `previousSeq` the slot must be free
   * and `claim.seq` must follow it; with `staleClaimId` a stale `starting` claim is taken over.
   */
  claimStart(
    claim: Claim,
    expect: { previousSeq: number } | { staleClaimId: string; staleBefore: number },
  ): Promise<ClaimResult>;
  /** Claims the call's started recording for a stop (or takes over a stale stop claim). */
  claimStop(claim: Claim, expect: { claimId: string; staleBefore: number }): Promise<ClaimResult>;
  /** Commits a started recording and its `recording.started` event atomically. */
  commitStarted(claim: Claim, recording: Recording, event: OutboxEvent): Promise<void>;
  /** Commits a failed start (`recording.failed`) and frees the slot atomically. */
  commitStartFailed(claim: Claim, recording: Recording, event: OutboxEvent): Promise<void>;
  /** Commits a completed recording and its `recording.completed` event, freeing the slot. */
  commitCompleted(claim: Claim, recording: Recording, event: OutboxEvent): Promise<void>;
  /** Gives a stop claim back: the recording stays `started`. */
  releaseStop(claim: Claim): Promise<void>;
}

/** Identifies the media-server channel and where the recording goes. */
export interface ProviderRecordingRequest {
  providerCallId: string;
  recordingId: string;
  callId: string;
  customerId: string;
  applicationId: string;
}

/** The media server (FreeSWITCH or the simulator). Failures are thrown as `ProviderError`. */
export interface RecordingProvider {
  startRecording(request: ProviderRecordingRequest): Promise<void>;
  stopRecording(request: ProviderRecordingRequest): Promise<RecordedMedia>;
}

/** Ports and settings of the recording use cases. */
export interface RecordingDeps {
  store: RecordingStore;
  queue: EventQueue;
  provider: RecordingProvider;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  settings: {
    /** How long a start/stop claim is honoured before another request may take it over. */
    claimLeaseMs: number;
  };
}
