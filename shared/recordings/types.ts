/** Recording statuses exposed by the API (see the recording object in the spec; `deleted` is Part 2's). */
export type RecordingStatus = 'started' | 'completed' | 'failed' | 'deleted';

/** Where the audio is: on the media server while recording (`local`), in object storage once stored. */
export type StorageType = 'local' | 's3';

/** The recording object exactly as the API and webhooks show it. */
export interface Recording {
  id: string;
  call_id: string;
  customer_id: string;
  application_id: string;
  provider_call_id: string;
  status: RecordingStatus;
  storage_type: StorageType;
  file_url: string;
  duration_seconds: number;
  size_bytes: number;
  created_at: string;
  updated_at: string;
}

/** Call statuses after which a call can no longer be recorded. */
export const TERMINAL_CALL_STATUSES = ['completed', 'failed', 'canceled', 'busy', 'no_answer'] as const;

/**
 * The in-flight or confirmed recording of a call, kept on the call item so that one read answers
 * "is something recording?". `starting`/`stopping` are claims held while the provider is called.
 */
export interface ActiveRecording {
  state: 'starting' | 'started' | 'stopping';
  recording_id: string;
  seq: number;
  /** Owner of a `starting`/`stopping` claim; only that request may commit or release it. */
  claim_id: string;
  /** Epoch milliseconds when the current claim was taken; a claim older than the lease may be taken over. */
  claimed_at: number;
  /** The stored recording once it is `started`. */
  recording?: Recording;
}

/** A phone call as the recordings service sees it. */
export interface Call {
  id: string;
  customer_id: string;
  application_id: string;
  provider_call_id?: string;
  /**
   * The media server holding the call's channel (a name of `ESL_NODES`), written by call control when
   * it creates the call. Absent: the call may record only while a single media server is configured.
   */
  media_node?: string;
  status: string;
  direction: string;
  from: string;
  to: string;
  created_at: string;
  /** Number of recordings ever allocated for this call (drives `rec_<call_id>_<n>`). */
  recording_seq: number;
  active_recording?: ActiveRecording;
}

/** A call that passed the spec's checks 5 and 6: active and with a provider call id. */
export type RecordableCall = Call & { provider_call_id: string };

/** What the media server measured about a closed file. */
export interface MediaFacts {
  /** The audio's length. */
  duration_ms: number;
  /** The whole file's size, header included. */
  size_bytes: number;
}

/** Why a completed recording ended (`data.end_reason` of `recording.completed`). */
export type EndReason = 'stopped' | 'hangup' | 'media_server';

/** Why a recording failed (`data.reason` of `recording.failed`). */
export type FailureReason = 'start_failed' | 'empty' | 'storage_failed';

/** How a recording's life ended, kept with it (the webhook tells the reason; the API object does not). */
export type RecordingEnding = { end_reason: EndReason } | { failure_reason: FailureReason };

/** Why a recording was deleted (`data.reason` of `recording.deleted`). */
export type DeletionReason = 'deleted' | 'retention';
