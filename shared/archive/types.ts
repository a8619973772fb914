import type { Recording, RecordingEnding } from '../recordings/types.ts';

/** A recording as stored: the API object, and what only the service knows of it. */
export interface StoredRecording {
  recording: Recording;
  /** Its number within the call (1 for `rec_<call_id>`). */
  seq: number;
  /** How it ended; undefined while it is started. */
  ending: RecordingEnding | undefined;
  /**
   * When its audio is to be deleted (epoch ms): the end of its retention, or "now" for a deletion whose
   * object is still to be removed. Undefined: kept (no audio, or retention 0).
   */
  purgeAt: number | undefined;
}

/** One page of a call's recordings, oldest first. */
export interface StoredRecordingPage {
  recordings: StoredRecording[];
  /** True when recordings after the last one exist. */
  more: boolean;
}
