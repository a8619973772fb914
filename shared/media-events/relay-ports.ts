import type { ClosedFile, MediaEvent } from './types.ts';

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
  onEvent(listener: (event: MediaEvent) => void): void;
  /** Learns once that the connection is gone. */
  onClose(listener: (error: Error) => void): void;
  close(): void;
}

/** Opens sessions (the relay reconnects through it). */
export type MediaServerConnector = () => Promise<MediaServerSession>;

/** Hands media events to the media-events queue; resolves once the queue has it. */
export interface MediaEventPublisher {
  publish(event: MediaEvent): Promise<void>;
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
}

/** Where the relay's state is kept (a small JSON file beside it). */
export interface RelayJournal {
  load(): Promise<RelayState | undefined>;
  save(state: RelayState): Promise<void>;
}
