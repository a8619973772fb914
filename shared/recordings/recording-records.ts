import type { IdGenerator } from '../kernel/ids.ts';
import { toRfc3339Seconds } from '../kernel/time.ts';
import type { OutboxEvent } from '../webhooks/types.ts';
import type { ProviderRecordingRequest, RecordingEnd } from './ports.ts';
import { buildRecordingEvent, type RecordingEventDetail } from './recording-events.ts';
import type { Call, EndReason, FailureReason, MediaFacts, RecordableCall, Recording } from './types.ts';

/** A fresh `started` recording of a call, as the API shows it. */
export function newRecording(call: RecordableCall, recordingId: string, at: Date): Recording {
  const stamp = toRfc3339Seconds(at);
  return {
    id: recordingId,
    call_id: call.id,
    customer_id: call.customer_id,
    application_id: call.application_id,
    provider_call_id: call.provider_call_id,
    status: 'started',
    storage_type: 'local',
    file_url: '',
    duration_seconds: 0,
    size_bytes: 0,
    created_at: stamp,
    updated_at: stamp,
  };
}

/** What the provider needs to find the channel and name the file. */
export function providerRequest(
  call: Pick<Call, 'id' | 'customer_id' | 'application_id'> & {
    provider_call_id?: string;
    media_node?: string;
  },
  recordingId: string,
): ProviderRecordingRequest {
  return {
    providerCallId: call.provider_call_id ?? '',
    ...(call.media_node ? { mediaNode: call.media_node } : {}),
    recordingId,
    callId: call.id,
    customerId: call.customer_id,
    applicationId: call.application_id,
  };
}

/** One event of a recording, stamped now with a fresh id. */
export function recordingEvent(
  call: Call,
  recording: Recording,
  detail: RecordingEventDetail,
  deps: { ids: IdGenerator },
  at: Date,
): OutboxEvent {
  return buildRecordingEvent(call, recording, detail, { eventId: deps.ids.next('evt'), at });
}

/**
 * How a started recording's audio ended up: stored in object storage (its facts, its `file_url`, and
 * when retention purges it), no file kept by the media server, or not storable.
 */
export type FileEnd =
  | { kind: 'stored'; facts: MediaFacts; fileUrl: string; purgeAt: number | undefined }
  | { kind: 'discarded' }
  | { kind: 'storage_failed' };

/**
 * The end of a started recording, true to what the media server and the storage did: stored audio
 * completes it, however short (`duration_seconds` is the audio's length rounded to the nearest second,
 * `size_bytes` the stored object's, `storage_type: "s3"`); no file kept fails it with `reason: "empty"`,
 * audio that could not be stored with `reason: "storage_failed"`. `call` is the call as the commit leaves
 * it (its status shows in the webhook). With `adoptsStart` the start was never committed: its
 * `recording.started` is emitted first, in the same commit.
 */
export function recordingEnd(
  call: Call,
  started: Recording,
  end: FileEnd,
  endReason: EndReason,
  deps: { ids: IdGenerator },
  at: Date,
  options: { adoptsStart?: boolean; endCall?: string } = {},
): RecordingEnd {
  const stamp = toRfc3339Seconds(at);
  const ended: Recording =
    end.kind === 'stored'
      ? {
          ...started,
          status: 'completed',
          storage_type: 's3',
          file_url: end.fileUrl,
          duration_seconds: Math.round(end.facts.duration_ms / 1000),
          size_bytes: end.facts.size_bytes,
          updated_at: stamp,
        }
      : { ...started, status: 'failed', updated_at: stamp };
  const failure: FailureReason | undefined =
    end.kind === 'stored' ? undefined : end.kind === 'discarded' ? 'empty' : 'storage_failed';
  const detail: RecordingEventDetail = failure
    ? { type: 'recording.failed', reason: failure }
    : { type: 'recording.completed', end_reason: endReason };
  const events = [recordingEvent(call, ended, detail, deps, at)];
  if (options.adoptsStart)
    events.unshift(recordingEvent(call, started, { type: 'recording.started' }, deps, at));
  return {
    recording: ended,
    ending: failure ? { failure_reason: failure } : { end_reason: endReason },
    events,
    ...(end.kind === 'stored' && end.purgeAt !== undefined ? { purgeAt: end.purgeAt } : {}),
    ...(options.adoptsStart ? { adoptsStart: true } : {}),
    ...(options.endCall ? { endCall: options.endCall } : {}),
  };
}
