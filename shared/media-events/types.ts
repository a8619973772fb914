/** Where a media event came from: the live event stream, a reconciliation after a gap, or a file scan. */
export type MediaEventSource = 'event' | 'reconcile' | 'scan';

/** How a file closed: with these facts, or with nothing kept (discarded under RECORD_MIN_SEC, or empty). */
export type ClosedFile = { kind: 'closed'; duration_ms: number; size_bytes: number } | { kind: 'discarded' };

interface MediaEventBase {
  /** The media server (FreeSWITCH's hostname) and its process (Core-UUID: new after a restart). */
  node: string;
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
      file: ClosedFile;
      /** True when the channel had hung up; undefined when the relay cannot tell. */
      channel_ended: boolean | undefined;
    })
  | (MediaEventBase & { kind: 'channel_hangup'; channel_uuid: string; hangup_cause: string | undefined });
