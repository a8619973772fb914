import type { ProviderRecordingRequest } from './ports.ts';

/** Where a recording's audio lives and how it is reached, from the two configured templates. */
export interface RecordingFiles {
  /** The file path on the media server (what `uuid_record` is given, and events report). */
  pathOf(request: ProviderRecordingRequest): string;
  /** The recording's `file_url` once it is completed. */
  urlOf(request: ProviderRecordingRequest): string;
  /** The recording a media-server path belongs to, or undefined for a file that is not ours. */
  parsePath(path: string): RecordingRef | undefined;
}

/** A recording named by a file path. */
export interface RecordingRef {
  recordingId: string;
  callId: string;
  /** 1 for `rec_<call_id>`, n for `rec_<call_id>_<n>`. */
  seq: number;
}

const PLACEHOLDER = /\{(\w+)\}/g;
// The shape of recording ids (see recordingIdFor): the call id has no further `_`.
const RECORDING_ID = 'rec_call_[A-Za-z0-9]{1,64}(?:_[0-9]+)?';
const RECORDING_ID_PARTS = /^rec_(call_[A-Za-z0-9]{1,64})(?:_([0-9]+))?$/;

/**
 * Files named by templates with `{customer_id}`, `{application_id}`, `{call_id}`, `{recording_id}` and
 * `{provider_call_id}`. The path template must contain `{recording_id}`: that is how a file found on the
 * media server is traced back to its recording. Ids are validated at the API edge, so no escaping is
 * needed.
 */
export function createRecordingFiles(templates: { path: string; url: string }): RecordingFiles {
  if (!templates.path.includes('{recording_id}')) {
    throw new Error('the recording path template must contain {recording_id}');
  }
  const pattern = new RegExp(
    `^${templates.path
      .split(PLACEHOLDER)
      .map((part, i) =>
        i % 2 === 0
          ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          : part === 'recording_id'
            ? `(${RECORDING_ID})`
            : '[^/]+',
      )
      .join('')}$`,
  );
  return {
    pathOf: (request) => render(templates.path, request),
    urlOf: (request) => render(templates.url, request),
    parsePath(path) {
      const recordingId = pattern.exec(path)?.[1];
      return recordingId === undefined ? undefined : parseRecordingId(recordingId);
    },
  };
}

/** The call and number of a recording id (`rec_<call_id>` is 1, `rec_<call_id>_<n>` is n). */
export function parseRecordingId(recordingId: string): RecordingRef | undefined {
  const match = RECORDING_ID_PARTS.exec(recordingId);
  if (!match?.[1]) return undefined;
  return { recordingId, callId: match[1], seq: match[2] ? Number(match[2]) : 1 };
}

function render(template: string, request: ProviderRecordingRequest): string {
  const values: Record<string, string> = {
    customer_id: request.customerId,
    application_id: request.applicationId,
    call_id: request.callId,
    recording_id: request.recordingId,
    provider_call_id: request.providerCallId,
  };
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}
