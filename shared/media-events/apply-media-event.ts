import type { ArchiveStore, RecordingMedia } from '../archive/ports.ts';
import type { Metrics } from '../kernel/metrics.ts';
import { isCallActive, isClaimStale } from '../recordings/call-rules.ts';
import { ClaimLostError, MediaNodeUnnamedError } from '../recordings/errors.ts';
import type { Claim, RecordingDeps, RecordingEnd } from '../recordings/ports.ts';
import type { FileRef } from '../recordings/recording-files.ts';
import { mediaUrlOf, objectKeyOf } from '../recordings/recording-object.ts';
import { type FileEnd, newRecording, recordingEnd, recordingEvent } from '../recordings/recording-records.ts';
import type { ActiveRecording, Call, EndReason, RecordableCall } from '../recordings/types.ts';
import type { FileOutcome, ReceivedMediaEvent } from './types.ts';

/**
 * Ports of {@link applyMediaEvent}: the recording use cases' ports, the stored audio (to check an
 * object exists and read its size, or remove audio nobody owns), the applications' retention, and
 * metrics: orphans, storage failures, recordings a hangup ended (`HangupCompletions`, by the status
 * they ended in).
 */
export type ApplyMediaEventDeps = Omit<RecordingDeps, 'settings'> & {
  archive: Pick<ArchiveStore, 'retentionDays'>;
  media: RecordingMedia;
  metrics: Metrics;
  settings: {
    claimLeaseMs: number;
    /** The API's public base URL: completed recordings' `file_url` is its download route. */
    publicApiUrl: string;
  };
};

const DAY_MS = 86_400_000;

/** What became of a media event. */
export type MediaEventOutcome =
  | { kind: 'applied'; action: string }
  /** The API's own commit of this recording is still in flight: apply the event again later. */
  | { kind: 'retry'; delaySeconds: number; action: string };

/** The call's status once its channel has hung up. */
const ENDED_BY_HANGUP = 'completed';
/** How soon, at the least, an event waiting for an API commit is tried again. */
const RETRY_SECONDS = 2;
/**
 * An event waits for an API commit at most until the claim's lease runs out (then the request is dead
 * and the event settles the claim itself). Spreading that wait over about this many tries keeps it well
 * under the queue's receive limit whatever the lease.
 */
const TRIES_PER_LEASE = 5;
/** Conflicting writes (a request or another event changed the call) are retried with a fresh read. */
const MAX_CONFLICTS = 5;

/**
 * Applies one media event to the stored state, with the same conditional writes and outbox as the API,
 * so that events arriving twice, late or out of order change nothing twice.
 *
 * Steps:
 * - recording_started: ours and committed → nothing; ours and the API's commit in flight → try again
 *   later (the request may still die); ours from a request that died → adopt it (`started`); a file no
 *   live recording owns → an orphan: stop it on the node that reported it, log it, count it (an event
 *   naming no node, with several configured: it cannot be stopped; logged, counted, not retried).
 * - recording_stopped: ends the live recording of that file. Stored → `completed` (end_reason hangup /
 *   stopped / media_server) with the audio's length and the stored object's size, once the object is
 *   confirmed to exist; nothing kept → `failed`, reason empty; not storable → `failed`, reason
 *   storage_failed. A hangup also ends the call in the same commit. Before the API's own start commit →
 *   try again later. Stored audio that no live recording owns (an orphan, a failed start, a deleted
 *   recording) is removed, unless it is a completed recording's own (a duplicate).
 * - channel_hangup: ends the call if it is still active.
 */
export async function applyMediaEvent(
  event: ReceivedMediaEvent,
  deps: ApplyMediaEventDeps,
): Promise<MediaEventOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (event.kind === 'channel_hangup') return await applyHangup(event, deps);
      const ref = deps.files.parsePath(event.path);
      if (!ref) return { kind: 'applied', action: 'ignored: not a file of ours' };
      return event.kind === 'recording_started'
        ? await applyStarted(event, ref, deps)
        : await applyStopped(event, ref, deps);
    } catch (error) {
      if (!(error instanceof ClaimLostError) || attempt >= MAX_CONFLICTS) throw error;
    }
  }
}

async function applyStarted(
  event: Extract<ReceivedMediaEvent, { kind: 'recording_started' }>,
  ref: FileRef,
  deps: ApplyMediaEventDeps,
): Promise<MediaEventOutcome> {
  const call = await deps.store.getCall(ref.callId);
  const active = call?.active_recording;
  if (call && active?.recording_id === ref.recordingId) {
    if (active.state !== 'starting') return { kind: 'applied', action: 'ours' };
    // Not committed yet: if the request dies now, nothing else would notice this audio until hangup.
    if (!isStale(active, deps)) return waitForCommit(active, deps);
    // The request that started it died before committing: the audio is running, so adopt it.
    const started = newRecording(recordable(call), ref.recordingId, new Date(active.claimed_at));
    const e = recordingEvent(call, started, { type: 'recording.started' }, deps, deps.clock.now());
    await deps.store.commitStarted(claimOf(call, active), started, e);
    return { kind: 'applied', action: 'adopted' };
  }
  // No live recording owns this file (unknown, or one the API shows as ended): it must not record.
  // On the media server that reported it: the channel and its file live there. An event naming none (a
  // version 2 message) goes to the only node; with several, no retry can ever choose one.
  let stopped: Awaited<ReturnType<typeof deps.provider.stopFile>>;
  try {
    stopped = await deps.provider.stopFile({
      mediaNode: event.media_node,
      channelUuid: event.channel_uuid,
      path: event.path,
    });
  } catch (error) {
    if (!(error instanceof MediaNodeUnnamedError)) throw error;
    deps.metrics.count('OrphanRecordings');
    deps.logger.error('orphan recording cannot be stopped', {
      reason:
        `the event names no media server (a version 2 message, from a relay older than the fleet) and ` +
        `several are configured (${error.configured.join(', ')}): it may still be recording; stop it on ` +
        'its node by hand (uuid_record <channel_uuid> stop <path>) or hang its channel up',
      channel_uuid: event.channel_uuid,
      path: event.path,
      recording_id: ref.recordingId,
      call_id: ref.callId,
      source: event.source,
    });
    return { kind: 'applied', action: 'orphan not stopped: the event names no media server' };
  }
  if (stopped === 'not_recording') return { kind: 'applied', action: 'ignored: late start of a closed file' };
  deps.metrics.count('OrphanRecordings');
  deps.logger.error('orphan recording stopped', {
    node: event.media_node,
    channel_uuid: event.channel_uuid,
    recording_id: ref.recordingId,
    call_id: ref.callId,
    source: event.source,
  });
  return { kind: 'applied', action: 'orphan stopped' };
}

async function applyStopped(
  event: Extract<ReceivedMediaEvent, { kind: 'recording_stopped' }>,
  ref: FileRef,
  deps: ApplyMediaEventDeps,
): Promise<MediaEventOutcome> {
  const call = await deps.store.getCall(ref.callId);
  const active = call?.active_recording;
  if (!call || active?.recording_id !== ref.recordingId) return settleUnowned(event, ref, deps);
  if (active.state === 'starting' && !isStale(active, deps)) return waitForCommit(active, deps);
  // The file closed. Whoever stopped it, these are its real facts; a hangup also ends the call.
  const hungUp = event.channel_ended ?? !isCallActive(call);
  const endReason: EndReason = hungUp ? 'hangup' : active.state === 'stopping' ? 'stopped' : 'media_server';
  const endCall = hungUp && isCallActive(call) ? ENDED_BY_HANGUP : undefined;
  const adoptsStart = active.state === 'starting';
  const started =
    active.recording ?? newRecording(recordable(call), ref.recordingId, new Date(active.claimed_at));
  const callAfter: Call = endCall ? { ...call, status: endCall } : call;
  const file = await fileEnd(event.file, call, ref, deps);
  const end: RecordingEnd = recordingEnd(callAfter, started, file, endReason, deps, deps.clock.now(), {
    adoptsStart,
    ...(endCall ? { endCall } : {}),
  });
  await deps.store.commitEnded(claimOf(call, active), end);
  if (endReason === 'hangup') deps.metrics.count('HangupCompletions', 1, { status: end.recording.status });
  if (file.kind === 'storage_failed') {
    deps.metrics.count('StorageFailures');
    deps.logger.error('recording failed: its audio could not be stored', {
      node: event.media_node,
      call_id: call.id,
      recording_id: ref.recordingId,
    });
  }
  return { kind: 'applied', action: `${end.recording.status} (${endReason})` };
}

/**
 * What the recording's end says about its audio. Stored audio is trusted only once the object is seen
 * under the key derived from the stored call (never the relay's word alone): its size is the object's.
 * A missing object throws, so the event is tried again (and parked if it never appears). Audio reported
 * not storable is removed in case an upload did land (its reply lost): a failed recording has none.
 */
async function fileEnd(
  file: FileOutcome,
  call: Call,
  ref: FileRef,
  deps: ApplyMediaEventDeps,
): Promise<FileEnd> {
  const key = objectKeyOf({ customerId: call.customer_id, callId: call.id, recordingId: ref.recordingId });
  // An upload whose reply was lost may have stored the audio after all: a failed recording keeps none.
  if (file.kind === 'storage_failed') await deps.media.remove(key);
  if (file.kind !== 'stored') return file;
  const size = await deps.media.sizeOf(key);
  if (size === undefined) throw new Error(`reported stored, but there is no object ${key}`);
  const days = await deps.archive.retentionDays(call.application_id);
  return {
    kind: 'stored',
    facts: { duration_ms: file.duration_ms, size_bytes: size },
    fileUrl: mediaUrlOf(deps.settings.publicApiUrl, ref.recordingId),
    purgeAt: days > 0 ? deps.clock.now().getTime() + days * DAY_MS : undefined,
  };
}

/**
 * A stopped file that no live recording owns: a duplicate of a completed recording's report changes
 * nothing; stored audio of anything else (a recording that failed or was deleted, or none at all) is
 * audio the API does not show, so it is removed, logged and counted (`OrphanAudioRemoved`).
 */
async function settleUnowned(
  event: Extract<ReceivedMediaEvent, { kind: 'recording_stopped' }>,
  ref: FileRef,
  deps: ApplyMediaEventDeps,
): Promise<MediaEventOutcome> {
  if (event.file.kind !== 'stored') {
    return { kind: 'applied', action: 'ignored: recording already ended or unknown' };
  }
  const recording = await deps.store.getRecording(ref.callId, ref.seq);
  if (recording?.id === ref.recordingId && recording.status === 'completed') {
    return { kind: 'applied', action: 'ignored: a completed recording reported again' };
  }
  await deps.media.remove(objectKeyOf(ref));
  deps.metrics.count('OrphanAudioRemoved');
  deps.logger.error('orphan audio removed from storage', {
    node: event.media_node,
    recording_id: ref.recordingId,
    call_id: ref.callId,
    status: recording?.status ?? 'unknown',
    source: event.source,
  });
  return { kind: 'applied', action: 'orphan audio removed' };
}

async function applyHangup(
  event: Extract<ReceivedMediaEvent, { kind: 'channel_hangup' }>,
  deps: ApplyMediaEventDeps,
): Promise<MediaEventOutcome> {
  const call = await deps.store.findCallByChannel(event.channel_uuid);
  if (!call) return { kind: 'applied', action: 'ignored: no call on this channel' };
  if (!isCallActive(call)) return { kind: 'applied', action: 'ignored: call already ended' };
  // A recording still running ends with its file's report (the relay sends it once the file is stored).
  const ended = await deps.store.endCall(call.id, ENDED_BY_HANGUP);
  return { kind: 'applied', action: ended ? 'call ended' : 'ignored: call already ended' };
}

/** Applies the event again later: by then the start is committed, or its claim stale. */
function waitForCommit(active: ActiveRecording, deps: ApplyMediaEventDeps): MediaEventOutcome {
  const leaseLeftMs = active.claimed_at + deps.settings.claimLeaseMs - deps.clock.now().getTime();
  const delaySeconds = Math.max(RETRY_SECONDS, Math.ceil(leaseLeftMs / 1000 / TRIES_PER_LEASE));
  return { kind: 'retry', delaySeconds, action: 'waiting for the start to commit' };
}

function isStale(active: ActiveRecording, deps: ApplyMediaEventDeps): boolean {
  return isClaimStale(active, deps.clock.now().getTime(), deps.settings.claimLeaseMs);
}

/** The claim the call holds now: a commit under it succeeds only if nothing changed meanwhile. */
function claimOf(call: Call, active: ActiveRecording): Claim {
  return {
    callId: call.id,
    claimId: active.claim_id,
    recordingId: active.recording_id,
    seq: active.seq,
    claimedAt: active.claimed_at,
  };
}

/** A call that has recorded has a channel; its recording keeps the call's provider call id. */
function recordable(call: Call): RecordableCall {
  return { ...call, provider_call_id: call.provider_call_id ?? '' };
}
