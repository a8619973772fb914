import { toRfc3339Seconds } from '../kernel/time.ts';
import type { ProviderRecordingRequest } from './ports.ts';
import type { RecordableCall, RecordedMedia, Recording } from './types.ts';

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

/** The same recording marked `failed`. */
export function failedRecording(recording: Recording, at: Date): Recording {
  return { ...recording, status: 'failed', updated_at: toRfc3339Seconds(at) };
}

/** The same recording marked `completed` with what the provider measured. */
export function completedRecording(recording: Recording, media: RecordedMedia, at: Date): Recording {
  return {
    ...recording,
    status: 'completed',
    file_url: media.file_url,
    duration_seconds: media.duration_seconds,
    size_bytes: media.size_bytes,
    updated_at: toRfc3339Seconds(at),
  };
}

/** What the provider needs to find the channel and name the file. */
export function providerRequest(call: RecordableCall, recordingId: string): ProviderRecordingRequest {
  return {
    providerCallId: call.provider_call_id,
    recordingId,
    callId: call.id,
    customerId: call.customer_id,
    applicationId: call.application_id,
  };
}
