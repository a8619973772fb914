/** Where a media event came from: the live event stream, a reconciliation after a gap, or a file scan. */
export type MediaEventSource = 'event' | 'reconcile' | 'scan';

/**
 * A closed file as the media server left it: with audio of this length and size, or nothing kept
 * (FreeSWITCH discarded it under RECORD_MIN_SEC, or it holds no more than a header).
 */
export type ClosedFile = { kind: 'closed'; duration_ms: number; size_bytes: number } | { kind: 'discarded' };

/**
 * What became of a closed file, as the relay reports it: stored in object storage (the audio's length,
 * and the size it uploaded), nothing to store, or not storable (the relay gave up uploading it).
 */
export type FileOutcome =
  | { kind: 'stored'; duration_ms: number; size_bytes: number }
  | { kind: 'discarded' }
  | { kind: 'storage_failed' };

interface MediaEventBase {
  /**
   * The media server the event came from (its relay's `MEDIA_NODE`, a name of the functions'
   * `ESL_NODES`): commands about it (stopping an orphan) go to that node. `core_uuid` is its process
   * (FreeSWITCH's Core-UUID: new after a restart).
   */
  media_node: string;
  core_uuid: string;
  /** When the media server saw it (RFC 3339 with milliseconds). */
  at: string;
  source: MediaEventSource;
}

/**
 * What the media server did, normalized from its events (FreeSWITCH's RECORD_START, RECORD_STOP and
 * CHANNEL_HANGUP_COMPLETE) by the media relay that runs beside it.
 */
export type MediaEvent =
  | (MediaEventBase & { kind: 'recording_started'; channel_uuid: string; path: string })
  | (MediaEventBase & {
      kind: 'recording_stopped';
      /** Unknown for a file found by a scan whose start the relay never saw. */
      channel_uuid: string | undefined;
      path: string;
      file: FileOutcome;
      /** True when the channel had hung up; undefined when the relay cannot tell. */
      channel_ended: boolean | undefined;
    })
  | (MediaEventBase & { kind: 'channel_hangup'; channel_uuid: string; hangup_cause: string | undefined });

/**
 * A media event as the media-events function receives it. A version 2 message (sent by a relay older
 * than the fleet) names no media server: its `media_node` is undefined, and a command about it (an
 * orphan's stop) goes where a call naming no node goes (the only node, when there is one).
 */
export type ReceivedMediaEvent = {
  [K in MediaEvent['kind']]: Omit<Extract<MediaEvent, { kind: K }>, 'media_node'> & {
    media_node: string | undefined;
  };
}[MediaEvent['kind']];

/**
 * A relay's summary that its uploads keep failing: some closed file has failed to store at least once
 * and has waited longer than the relay's `uploadAlarmAfterMs`. Sent at most once per
 * `uploadAlarmEveryMs` while that lasts, beside the media events (not in their per-channel order, not
 * in the journal); the function counts it (`UploadsRetrying`) so storage trouble alarms within minutes
 * instead of when the relay gives up (`uploadGiveUpMs`) and the recordings fail.
 */
export interface UploadsRetrying {
  kind: 'uploads_retrying';
  /** The relay's media server (its `MEDIA_NODE`). */
  media_node: string;
  core_uuid: string;
  /** When the relay sent it (RFC 3339 with milliseconds). */
  at: string;
  /** Closed files the relay has not stored yet (all of them, failing or not). */
  pending: number;
  /** How long the oldest of them has waited since the relay saw it closed. */
  oldest_age_ms: number;
  /** The most recent upload failure, as the storage client described it. */
  last_error: string;
}

/** Everything a relay queues on the media-events queue: media events and its uploads summary. */
export type RelayMessage = MediaEvent | UploadsRetrying;

/** A queued message as the media-events function receives it. */
export type ReceivedRelayMessage = ReceivedMediaEvent | UploadsRetrying;
