import { expect } from 'vitest';
import type { Call } from '../../shared/recordings/types.ts';

/** RFC 3339 UTC with seconds precision, e.g. `2026-05-29T12:00:00Z`. */
export const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The full recording object the API must show for `call` in the given state. */
export function expectedRecording(
  call: Pick<Call, 'id' | 'customer_id' | 'application_id' | 'provider_call_id'>,
  fields: {
    id?: string;
    status: 'started' | 'completed' | 'failed' | 'deleted';
    /** `s3` for a completed recording, `local` otherwise, unless given. */
    storage_type?: 'local' | 's3';
    file_url?: unknown;
    duration_seconds?: unknown;
    size_bytes?: unknown;
  },
) {
  return {
    id: fields.id ?? `rec_${call.id}`,
    call_id: call.id,
    customer_id: call.customer_id,
    application_id: call.application_id,
    provider_call_id: call.provider_call_id,
    status: fields.status,
    storage_type: fields.storage_type ?? (fields.status === 'completed' ? 's3' : 'local'),
    file_url: fields.file_url ?? '',
    duration_seconds: fields.duration_seconds ?? 0,
    size_bytes: fields.size_bytes ?? 0,
    created_at: expect.stringMatching(RFC3339_SECONDS),
    updated_at: expect.stringMatching(RFC3339_SECONDS),
  };
}

/** The whole `data` answer of a successful start or stop. */
export function expectedData(
  call: Pick<Call, 'id' | 'customer_id' | 'application_id' | 'provider_call_id'>,
  action: 'start' | 'stop',
  fields: Parameters<typeof expectedRecording>[1],
) {
  return {
    data: {
      call_id: call.id,
      provider_call_id: call.provider_call_id,
      action,
      recording: expectedRecording(call, fields),
    },
  };
}

/** The spec's error envelope. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
