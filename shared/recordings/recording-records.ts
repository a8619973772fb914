import type { IdGenerator } from '../kernel/ids.ts';
import { toRfc3339Seconds } from '../kernel/time.ts';
import type { OutboxEvent } from '../webhooks/types.ts';
import type { ProviderRecordingRequest, RecordingEnd } from './ports.ts';
import { buildRecordingEvent, type RecordingEventDetail } from './recording-events.ts';
import type { RecordingFiles } from './recording-files.ts';
import type { Call, EndReason, MediaFacts, RecordableCall, Recording } from './types.ts';

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
  call: Pick<Call, 'id' | 'customer_id' | 'application_id'> & { provider_call_id?: string },
  recordingId: string,
): ProviderRecordingRequest {
  return {
    providerCallId: call.provider_call_id ?? '',
    recordingId,
    callId: call.id,
    customerId: call.customer_id,
    applicationId: call.application_id,
  };
}

/** The provider request naming a recording's own file. */
export function requestOf(recording: Recording): ProviderRecordingRequest {
  return {
    providerCallId: recording.provider_call_id,
    recordingId: recording.id,
    callId: recording.call_id,
    customerId: recording.customer_id,
    applicationId: recording.application_id,
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
  return buildRecordingEvent(call, recording, detail, {
    eventId: deps.ids.next('evt'),
    createdAt: toRfc3339Seconds(at),
  });
}

/** How a started recording's file closed: with audio (facts), or with none kept. */
export type FileEnd = { kind: 'stopped'; facts: MediaFacts } | { kind: 'discarded' };

/**
 * The end of a started recording, true to what the media server did: a file with audio completes it
 * (`duration_seconds` is the audio's length rounded to the nearest second, `size_bytes` the file's); a
 * file with no audio (discarded, or header only) fails it with `reason: "empty"`. `call` is the call as
 * the commit leaves it (its status shows in the webhook). `adopted` is the `started` recording when its
 * start was never committed: then its `recording.started` is emitted first, in the same commit.
 */
export function recordingEnd(
  call: Call,
  started: Recording,
  end: FileEnd,
  endReason: EndReason,
  deps: { ids: IdGenerator; files: RecordingFiles },
  at: Date,
  options: { adoptsStart?: boolean; endCall?: string } = {},
): RecordingEnd {
  const stamp = toRfc3339Seconds(at);
  const kept = end.kind === 'stopped' && end.facts.size_bytes > 44 && end.facts.duration_ms > 0;
  const ended: Recording =
    kept && end.kind === 'stopped'
      ? {
          ...started,
          status: 'completed',
          file_url: deps.files.urlOf(requestOf(started)),
          duration_seconds: Math.round(end.facts.duration_ms / 1000),
          size_bytes: end.facts.size_bytes,
          updated_at: stamp,
        }
      : { ...started, status: 'failed', updated_at: stamp };
  const detail: RecordingEventDetail = kept
    ? { type: 'recording.completed', end_reason: endReason }
    : { type: 'recording.failed', reason: 'empty' };
  const events = [recordingEvent(call, ended, detail, deps, at)];
  if (options.adoptsStart)
    events.unshift(recordingEvent(call, started, { type: 'recording.started' }, deps, at));
  return {
    recording: ended,
    ending: kept ? { end_reason: endReason } : { failure_reason: 'empty' },
    events,
    ...(options.adoptsStart ? { adoptsStart: true } : {}),
    ...(options.endCall ? { endCall: options.endCall } : {}),
  };
}
