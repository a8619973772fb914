import type { ApiKey } from '../accounts/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { IdGenerator } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Metrics } from '../kernel/metrics.ts';
import type { OutboxEvent } from '../webhooks/types.ts';
import type { RecordingFiles } from './recording-files.ts';
import type { Call, MediaFacts, Recording, RecordingEnding } from './types.ts';

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

/** The end of a recording, committed with its events in one transaction. */
export interface RecordingEnd {
  /** The recording, now `completed` or `failed`. */
  recording: Recording;
  ending: RecordingEnding;
  /** Its events, in order (`recording.started` first when the start is adopted in the same commit). */
  events: OutboxEvent[];
  /** The start was never committed (a media event proves it happened): the recording is new. */
  adoptsStart?: boolean;
  /** Also mark the call ended with this status (the channel hung up); the call must still be active. */
  endCall?: string;
  /** When retention purges the stored audio (epoch ms); absent: kept. */
  purgeAt?: number;
}

/**
 * Persistence of calls and recordings. Every state change is conditional on the claim the caller saw
 * (`claim_id` on the call), and every commit writes the state change, the recording and its webhook
 * events (the outbox) in one transaction; a commit whose condition fails throws `ClaimLostError`.
 */
export interface RecordingStore {
  /** Reads the API key (by hash) and, when given, the call in one round trip. */
  loadAccess(keyHash: string, callId: string | undefined): Promise<AccessSnapshot>;
  /** Strongly consistent read of a call. */
  getCall(callId: string): Promise<Call | undefined>;
  /** The call whose media-server channel this is (calls are indexed by `provider_call_id`). */
  findCallByChannel(channelUuid: string): Promise<Call | undefined>;
  /** Strongly consistent read of a recording (its number is in its id). */
  getRecording(callId: string, seq: number): Promise<Recording | undefined>;
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
  /** Commits a failed start (`recording.failed`, reason `start_failed`) and frees the slot atomically. */
  commitStartFailed(claim: Claim, recording: Recording, event: OutboxEvent): Promise<void>;
  /** Commits the end of a started recording (completed or failed) and frees the slot atomically. */
  commitEnded(claim: Claim, end: RecordingEnd): Promise<void>;
  /** Gives a stop claim back: the recording stays `started`. */
  releaseStop(claim: Claim): Promise<void>;
  /** Marks an active call ended (its channel hung up); false when it had ended already. */
  endCall(callId: string, status: string): Promise<boolean>;
}

/** Identifies the media-server channel and where the recording goes. */
export interface ProviderRecordingRequest {
  providerCallId: string;
  /** The media server holding the channel (the call's `media_node`); absent when the call names none. */
  mediaNode?: string;
  recordingId: string;
  callId: string;
  customerId: string;
  applicationId: string;
}

/** A file recording on a channel of one media server (as a media event reports it). */
export interface MediaServerFile {
  /**
   * The media server the event came from (its `media_node`); absent when the event names none (a
   * version 2 message), like a call naming none.
   */
  mediaNode: string | undefined;
  channelUuid: string;
  path: string;
}

/** What a stop found: the file closed with these facts, closed with no audio kept, or not recording. */
export type StopOutcome =
  | { kind: 'stopped'; facts: MediaFacts }
  | { kind: 'discarded' }
  | { kind: 'not_recording' };

/** The media server (FreeSWITCH). Failures are thrown as `ProviderError`. */
export interface RecordingProvider {
  startRecording(request: ProviderRecordingRequest): Promise<void>;
  /** Stops the recording's own file (never "all"); `not_recording` when it is not being recorded. */
  stopRecording(request: ProviderRecordingRequest): Promise<StopOutcome>;
  /** True while the recording's file is being recorded. */
  isRecording(request: ProviderRecordingRequest): Promise<boolean>;
  /** Stops one file on a channel of a media server (an orphan); `not_recording` when it is not being recorded. */
  stopFile(file: MediaServerFile): Promise<'stopped' | 'not_recording'>;
}

/** Ports and settings of the recording use cases. */
export interface RecordingDeps {
  store: RecordingStore;
  provider: RecordingProvider;
  files: RecordingFiles;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Commands by outcome (`RecordingCommands`); the provider's own are measured around it. */
  metrics: Metrics;
  settings: {
    /** How long a start/stop claim is honoured before another request may take it over. */
    claimLeaseMs: number;
    /** How long a stop waits for the media server's own report when it finds the file already closed. */
    stopSettleMs: number;
  };
}
