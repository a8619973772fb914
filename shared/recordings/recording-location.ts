import type { ProviderRecordingRequest } from './ports.ts';

/**
 * Fills `{customer_id}`, `{application_id}`, `{call_id}`, `{recording_id}` and `{provider_call_id}` in a
 * path or URL template. Ids are validated at the API edge, so no escaping is needed for paths.
 */
export function renderRecordingLocation(template: string, request: ProviderRecordingRequest): string {
  const values: Record<string, string> = {
    customer_id: request.customerId,
    application_id: request.applicationId,
    call_id: request.callId,
    recording_id: request.recordingId,
    provider_call_id: request.providerCallId,
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Bytes of a 16-bit linear PCM WAV file: the 44-byte RIFF header plus the samples. */
export function wavSizeBytes(samples: number, channels = 1): number {
  return 44 + samples * 2 * channels;
}
