import type { ApiKey } from '../accounts/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { IdGenerator } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Metrics } from '../kernel/metrics.ts';
import type { RecordingRef } from '../recordings/recording-files.ts';
import type { Call, Recording } from '../recordings/types.ts';
import type { OutboxEvent } from '../webhooks/types.ts';
import type { StoredRecording, StoredRecordingPage } from './types.ts';

/**
 * Stored recordings, read and deleted after their recording ended. Reads are strongly consistent; every
 * change is conditional on what was read and throws `RecordingChangedError` when it changed meanwhile.
 */
export interface ArchiveStore {
  /** The API key (by hash) and, when given, the call, in one round trip. */
  loadCallAccess(
    keyHash: string,
    callId: string | undefined,
  ): Promise<{ apiKey: ApiKey | undefined; call: Call | undefined }>;
  /** The API key, and when given the recording and its call, in one round trip. */
  loadRecordingAccess(
    keyHash: string,
    ref: RecordingRef | undefined,
  ): Promise<{ apiKey: ApiKey | undefined; stored: StoredRecording | undefined; call: Call | undefined }>;
  /** A call's recordings numbered after `afterSeq`, oldest first, at most `limit`. */
  listRecordings(callId: string, page: { afterSeq: number; limit: number }): Promise<StoredRecordingPage>;
  getRecording(ref: RecordingRef): Promise<StoredRecording | undefined>;
  getCall(callId: string): Promise<Call | undefined>;
  /**
   * Marks a recording deleted (`deleted` is the object to store) with its `recording.deleted` event, in
   * one transaction, if its status is still the one read. `purgeAt` keeps the deletion on the purge list
   * until its audio is removed ({@link finishPurge}).
   */
  commitDeleted(
    stored: StoredRecording,
    deleted: Recording,
    event: OutboxEvent,
    purgeAt: number | undefined,
  ): Promise<void>;
  /** Takes a deleted recording off the purge list (its audio is gone). */
  finishPurge(ref: RecordingRef): Promise<void>;
  /** Recordings whose purge is due at `now`, earliest first. */
  duePurges(now: number, limit: number): Promise<StoredRecording[]>;
  /** Moves a purge that failed to a later time, if the recording is still as read. */
  postponePurge(stored: StoredRecording, until: number): Promise<void>;
  /** The retention period of an application's recordings, in days (0: kept forever). */
  retentionDays(applicationId: string): Promise<number>;
}

/** Recording audio in object storage. */
export interface RecordingMedia {
  /** A URL that downloads the object without credentials until it expires. */
  downloadUrl(key: string, options: { expiresInSeconds: number; fileName: string }): Promise<string>;
  /** Deletes the object (nothing happens when there is none). */
  remove(key: string): Promise<void>;
  /** The stored object's size in bytes; undefined when there is no such object. */
  sizeOf(key: string): Promise<number | undefined>;
}

/** Ports of the stored-recording use cases. */
export interface ArchiveDeps {
  archive: ArchiveStore;
  media: RecordingMedia;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

/** Ports of the retention purge: the stored-recording ports and a metric for failures. */
export type PurgeDeps = ArchiveDeps & { metrics: Metrics };
