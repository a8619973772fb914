import type { ApiKey, Call, OutboxEvent, RecordedMedia, Recording } from './domain/types.ts';

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

/** Persistence of keys, calls, recordings and the event outbox. Every state change is conditional. */
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
  /** Outbox events not yet handed to the queue, oldest first, created before `createdBefore`. */
  listPendingEvents(createdBefore: Date, limit: number): Promise<OutboxEvent[]>;
  /** Removes an event from the outbox once it is on the queue (idempotent). */
  markEventDispatched(event: Pick<OutboxEvent, 'event_id' | 'call_id'>): Promise<void>;
}

/** The webhook queue: takes a committed event for delivery. */
export interface EventQueue {
  send(event: OutboxEvent): Promise<void>;
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

/** Source of time, injectable so tests control it. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Source of unique ids. */
export interface IdGenerator {
  next(prefix: string): string;
}

/** Structured logger; never given keys or secrets. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that can make per-request children (e.g. carrying the request id on every line). */
export interface ScopedLogger extends Logger {
  child(fields: Record<string, unknown>): Logger;
}
