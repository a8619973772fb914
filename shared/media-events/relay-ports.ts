import type { ClosedFile, MediaEvent, RelayMessage } from './types.ts';

/** A file's stop as the media server reports it, before the relay has stored the file. */
export type ObservedStop = Omit<Extract<MediaEvent, { kind: 'recording_stopped' }>, 'file'> & {
  file: ClosedFile;
};

/** A media event as the media server reports it (a stopped file not yet stored). */
export type ObservedEvent = Exclude<MediaEvent, { kind: 'recording_stopped' }> | ObservedStop;

/** Live recordings as the media server reports them right now. */
export interface MediaServerSnapshot {
  /** Channels that exist. */
  channels: Set<string>;
  /** Files being recorded → their channel. */
  recordings: Map<string, string>;
}

/** One connection to the media server, subscribed to its events (the relay's view of FreeSWITCH). */
export interface MediaServerSession {
  /** The media server process (FreeSWITCH's Core-UUID): a new one means it restarted. */
  readonly coreUuid: string;
  /** What is recording now. */
  snapshot(): Promise<MediaServerSnapshot>;
  /** Answers quickly while the connection is healthy; throws otherwise. */
  ping(): Promise<void>;
  /** Gets every recording/hangup event of the media server, normalized, in order. */
  onEvent(listener: (event: ObservedEvent) => void): void;
  /** Learns once that the connection is gone. */
  onClose(listener: (error: Error) => void): void;
  close(): void;
}

/** Opens sessions (the relay reconnects through it). */
export type MediaServerConnector = () => Promise<MediaServerSession>;

/** Hands media events (and the relay's uploads summary) to the media-events queue; resolves once the queue has it. */
export interface MediaEventPublisher {
  publish(event: RelayMessage): Promise<void>;
}

/** A recording file on the media server's disk. */
export interface RecordingFileInfo {
  path: string;
  modifiedAtMs: number;
}

/** The media server's recordings directory, as the relay beside it reads it. */
export interface RecordingFileStore {
  /** Our files (named by the path template) modified at or after `sinceMs`. */
  list(sinceMs: number): Promise<RecordingFileInfo[]>;
  /** The real facts of a closed file, read from the file; `discarded` when it does not exist. */
  facts(path: string): Promise<ClosedFile>;
  /** Deletes a file (once stored, or given up); nothing happens when it is gone already. */
  remove(path: string): Promise<void>;
}

/** Object storage, as the relay writes finished recordings into it. */
export interface RecordingUploader {
  /** Stores the file at `path` as the object `key`; resolves once storage confirmed the whole file. */
  upload(path: string, key: string, sizeBytes: number): Promise<void>;
}

/** A closed file waiting to be stored (kept in the journal, so a restart resumes it). */
export interface PendingUpload {
  /** The stop as observed. */
  stop: ObservedStop;
  /**
   * When the relay first saw the file closed (its first upload is tried at once): it gives up storing it
   * `uploadGiveUpMs` later, and its age in the `uploads_retrying` summary counts from here (so both
   * survive a restart of the relay).
   */
  since: number;
  attempts: number;
  /** Not tried again before this (epoch ms). */
  nextAt: number;
}

/** What the relay remembers across reconnects and restarts. */
export interface RelayState {
  /** The media server process seen last. */
  coreUuid: string | undefined;
  /** Files recording when last seen → their channel. */
  running: Record<string, string>;
  /** Channels alive when last seen: one gone after a gap has hung up, its hangup event lost. */
  channels: string[];
  /** Closed files already reported → when (epoch ms), so a scan reports each once. */
  reported: Record<string, number>;
  /** Files modified before this (the relay's first start) are not the relay's to report. */
  scanSinceMs: number;
  /** Closed files not stored yet → their pending upload. */
  uploads: Record<string, PendingUpload>;
}

/** Where the relay's state is kept (a small JSON file beside it). */
export interface RelayJournal {
  load(): Promise<RelayState | undefined>;
  save(state: RelayState): Promise<void>;
}
