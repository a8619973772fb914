import type { Recording } from './types.ts';

/** The prefix every recording object is stored under (IAM grants are scoped to it). */
const RECORDING_OBJECT_PREFIX = 'recordings/';

/** What names a recording's stored audio. */
export interface RecordingObjectRef {
  customerId: string;
  callId: string;
  recordingId: string;
}

/**
 * The object key of a recording's audio: `recordings/<customer_id>/<call_id>/<recording_id>.wav`, so each
 * customer's audio sits under a prefix of its own. The relay that uploads and the functions that read
 * or delete derive it the same way, from ids they trust (never from a client).
 */
export function objectKeyOf(ref: RecordingObjectRef): string {
  return `${RECORDING_OBJECT_PREFIX}${ref.customerId}/${ref.callId}/${ref.recordingId}.wav`;
}

/** The object key of a stored recording. */
export function objectKeyOfRecording(recording: { customer_id: string; call_id: string; id: string }) {
  return objectKeyOf({
    customerId: recording.customer_id,
    callId: recording.call_id,
    recordingId: recording.id,
  });
}

/**
 * A completed recording's `file_url`: the authenticated download route of the API (never the object
 * itself), `<PUBLIC_API_URL>/v1/recordings/<id>/media`.
 */
export function mediaUrlOf(publicApiUrl: string, recordingId: string): string {
  return `${publicApiUrl.replace(/\/+$/, '')}/v1/recordings/${recordingId}/media`;
}

/**
 * A recording as the API shows it. A completed recording's `file_url` is built now, from the API's base
 * URL as this function knows it (`PUBLIC_API_URL`), and its id: the value stored when it completed
 * names the base URL of that moment, which a move (HTTP to REST API, a custom domain) leaves stale.
 * Every other status has none (`""`).
 */
export function recordingView(recording: Recording, publicApiUrl: string): Recording {
  return {
    ...recording,
    file_url: recording.status === 'completed' ? mediaUrlOf(publicApiUrl, recording.id) : '',
  };
}
