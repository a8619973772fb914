import type { AdmissionDeps } from '../accounts/ports.ts';
import { objectKeyOfRecording } from '../recordings/recording-object.ts';
import { recordingEvent } from '../recordings/recording-records.ts';
import type { Call, DeletionReason, Recording } from '../recordings/types.ts';
import { RecordingChangedError, RecordingInProgressError, RecordingNotFoundError } from './errors.ts';
import type { ArchiveDeps } from './ports.ts';
import { loadOwnedRecording } from './recording-access.ts';
import { requireRecordingRef } from './request-params.ts';
import type { StoredRecording } from './types.ts';

/** Conflicting writes (a racing deletion or purge) are decided again with a fresh read, this often. */
const MAX_CONFLICTS = 5;

/**
 * `DELETE /v1/recordings/{id}`: deletes the recording's audio and leaves the recording as a tombstone
 * (`status: "deleted"`, `file_url: ""`, everything else unchanged), sending `recording.deleted` once.
 * Idempotent: a repeated DELETE answers the identical object. A started recording → 409
 * `recording_in_progress`.
 */
export async function deleteRecording(
  input: { apiKey: string | undefined; recordingId: string },
  deps: ArchiveDeps & AdmissionDeps,
): Promise<Recording> {
  const { stored, call } = await loadOwnedRecording(input, deps, () => undefined);
  return deleteStoredRecording(stored, call, 'deleted', deps);
}

/**
 * An operator's deletion of a recording by its id (no API key, no tenant: the admin CLI, e.g. for an
 * erasure request that came in by another channel). Same effect as the customer's DELETE.
 */
export async function deleteRecordingById(recordingId: string, deps: ArchiveDeps): Promise<Recording> {
  const ref = requireRecordingRef(recordingId);
  const stored = await deps.archive.getRecording(ref);
  if (!stored || stored.recording.id !== recordingId) throw new RecordingNotFoundError();
  return deleteStoredRecording(stored, await deps.archive.getCall(ref.callId), 'deleted', deps);
}

/**
 * Deletes a stored recording for any reason (the customer's DELETE, the operator's, retention).
 *
 * Steps:
 * 1. Started → 409. Already deleted → nothing to commit.
 * 2. One transaction, conditional on the status read: the tombstone, its `recording.deleted` event
 *    and, when it had audio, a purge entry due now (so the audio is removed even if this process dies
 *    before step 3); a conflict re-reads and decides again.
 * 3. Remove the audio, then the purge entry. If storage fails here the deletion stands and the error
 *    (503) asks for a retry; the retention sweep also finishes it.
 */
export async function deleteStoredRecording(
  first: StoredRecording,
  call: Call | undefined,
  reason: DeletionReason,
  deps: ArchiveDeps,
): Promise<Recording> {
  let stored = first;
  for (let attempt = 1; stored.recording.status !== 'deleted'; attempt += 1) {
    const { recording } = stored;
    if (recording.status === 'started') throw new RecordingInProgressError();
    if (!call) throw new Error(`call ${recording.call_id} of recording ${recording.id} is missing`);
    const now = deps.clock.now();
    const deleted: Recording = { ...recording, status: 'deleted', file_url: '' };
    const purgeAt = recording.status === 'completed' ? now.getTime() : undefined;
    const event = recordingEvent(
      call,
      deleted,
      { type: 'recording.deleted', reason, after: stored.ending },
      deps,
      now,
    );
    try {
      await deps.archive.commitDeleted(stored, deleted, event, purgeAt);
      stored = { ...stored, recording: deleted, purgeAt };
    } catch (error) {
      if (!(error instanceof RecordingChangedError) || attempt >= MAX_CONFLICTS) throw error;
      const current = await deps.archive.getRecording({
        recordingId: recording.id,
        callId: recording.call_id,
        seq: stored.seq,
      });
      if (!current) throw new RecordingNotFoundError();
      stored = current;
    }
  }
  if (stored.purgeAt !== undefined) await removeAudio(stored, deps);
  return stored.recording;
}

/** Removes a deleted recording's audio, then its purge entry. */
export async function removeAudio(stored: StoredRecording, deps: ArchiveDeps): Promise<void> {
  await deps.media.remove(objectKeyOfRecording(stored.recording));
  await deps.archive.finishPurge({
    recordingId: stored.recording.id,
    callId: stored.recording.call_id,
    seq: stored.seq,
  });
}
