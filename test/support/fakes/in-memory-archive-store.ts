import { DEFAULT_RETENTION_DAYS } from '../../../shared/accounts/types.ts';
import { RecordingChangedError } from '../../../shared/archive/errors.ts';
import type { ArchiveStore } from '../../../shared/archive/ports.ts';
import type { StoredRecording } from '../../../shared/archive/types.ts';
import { parseRecordingId } from '../../../shared/recordings/recording-files.ts';
import { copy, createInMemoryState, type InMemoryState } from './in-memory-state.ts';

/**
 * In-memory {@link ArchiveStore} over the shared state, with the DynamoDB adapter's conditions: a
 * deletion commits only if the status is still the one read. The contract suite runs it beside the
 * DynamoDB store.
 */
export function createInMemoryArchiveStore(state: InMemoryState = createInMemoryState()): ArchiveStore {
  const stored = (recordingId: string): StoredRecording | undefined => {
    const recording = state.recordings.get(recordingId);
    const ref = parseRecordingId(recordingId);
    if (!recording || !ref) return undefined;
    return {
      recording: copy(recording),
      seq: ref.seq,
      ending: copy(state.endings.get(recordingId)),
      purgeAt: state.purges.get(recordingId),
    };
  };
  const apiKeyOf = (keyHash: string) => {
    const key = state.apiKeys.get(keyHash);
    return (
      key && {
        key_hash: key.key_hash,
        application_id: key.application_id,
        customer_id: key.customer_id,
        status: key.status,
        application_status: key.application_status,
      }
    );
  };
  const ofCall = (callId: string) =>
    [...state.recordings.keys()]
      .map(stored)
      .filter((s): s is StoredRecording => s?.recording.call_id === callId)
      .sort((a, b) => a.seq - b.seq);

  return {
    async loadCallAccess(keyHash, callId) {
      return { apiKey: apiKeyOf(keyHash), call: callId ? copy(state.calls.get(callId)) : undefined };
    },
    async loadRecordingAccess(keyHash, ref) {
      const found = ref ? ofCall(ref.callId).find((s) => s.seq === ref.seq) : undefined;
      return {
        apiKey: apiKeyOf(keyHash),
        stored: found,
        call: ref ? copy(state.calls.get(ref.callId)) : undefined,
      };
    },
    async listRecordings(callId, page) {
      const after = ofCall(callId).filter((s) => s.seq > page.afterSeq);
      return { recordings: after.slice(0, page.limit), more: after.length > page.limit };
    },
    async getRecording(ref) {
      return ofCall(ref.callId).find((s) => s.seq === ref.seq);
    },
    async getCall(callId) {
      return copy(state.calls.get(callId));
    },
    async commitDeleted(read, deleted, event, purgeAt) {
      const current = state.recordings.get(read.recording.id);
      if (current?.status !== read.recording.status) throw new RecordingChangedError();
      state.recordings.set(deleted.id, copy(deleted));
      if (purgeAt === undefined) state.purges.delete(deleted.id);
      else state.purges.set(deleted.id, purgeAt);
      state.outbox.set(event.event_id, copy(event));
    },
    async finishPurge(ref) {
      const current = [...state.recordings.values()].find((r) => r.id === ref.recordingId);
      if (current?.status !== 'deleted') throw new RecordingChangedError();
      state.purges.delete(ref.recordingId);
    },
    async duePurges(now, limit) {
      return [...state.purges.entries()]
        .filter(([, at]) => at <= now)
        .sort(([, a], [, b]) => a - b)
        .slice(0, limit)
        .flatMap(([id]) => stored(id) ?? []);
    },
    async postponePurge(read, until) {
      const current = state.recordings.get(read.recording.id);
      if (current?.status !== read.recording.status || state.purges.get(read.recording.id) !== read.purgeAt) {
        throw new RecordingChangedError();
      }
      state.purges.set(read.recording.id, until);
    },
    async retentionDays(applicationId) {
      return state.applications.get(applicationId)?.retention_days ?? DEFAULT_RETENTION_DAYS;
    },
  };
}
