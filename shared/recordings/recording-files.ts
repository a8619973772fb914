import type { ProviderRecordingRequest } from './ports.ts';

/** Where a recording's audio is written on the media server, from the configured path template. */
export interface RecordingFiles {
  /** The file path on the media server (what `uuid_record` is given, and events report). */
  pathOf(request: ProviderRecordingRequest): string;
  /** The recording a media-server path belongs to, or undefined for a file that is not ours. */
  parsePath(path: string): FileRef | undefined;
}

/** A recording named by its id. */
export interface RecordingRef {
  recordingId: string;
  callId: string;
  /** 1 for `rec_<call_id>`, n for `rec_<call_id>_<n>`. */
  seq: number;
}

/** A recording named by a file path: its id, and the customer whose prefix its audio is stored under. */
export type FileRef = RecordingRef & { customerId: string };

const PLACEHOLDER = /\{(\w+)\}/g;
// Customer ids are ours (cust_…): no `/`, nothing an object key or a path would have to escape.
const CUSTOMER_ID = '[A-Za-z0-9_-]{1,64}';
// The shape of recording ids (see recordingIdFor): the call id has no further `_`.
const RECORDING_ID = 'rec_call_[A-Za-z0-9]{1,64}(?:_[0-9]+)?';
const RECORDING_ID_PARTS = /^rec_(call_[A-Za-z0-9]{1,64})(?:_([0-9]+))?$/;

/**
 * Files named by a path template with `{customer_id}`, `{application_id}`, `{call_id}`,
 * `{recording_id}` and `{provider_call_id}`. It must contain `{recording_id}` and `{customer_id}` (see
 * {@link checkPathTemplate}): that is how a file found on the media server is traced back to its
 * recording, and stored under its customer's prefix. Ids are validated at the API edge, so no escaping
 * is needed.
 */
export function createRecordingFiles(pathTemplate: string): RecordingFiles {
  const problem = checkPathTemplate(pathTemplate);
  if (problem) throw new Error(`the recording path template ${problem}`);
  const names: string[] = [];
  const pattern = new RegExp(
    `^${pathTemplate
      .split(PLACEHOLDER)
      .map((part, i) => {
        if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(part);
        return part === 'recording_id'
          ? `(${RECORDING_ID})`
          : part === 'customer_id'
            ? `(${CUSTOMER_ID})`
            : '([^/]+)';
      })
      .join('')}$`,
  );
  return {
    pathOf: (request) => render(pathTemplate, request),
    parsePath(path) {
      const match = pattern.exec(path);
      if (!match) return undefined;
      const value = (name: string) => match[names.indexOf(name) + 1];
      const ref = parseRecordingId(value('recording_id') ?? '');
      const customerId = value('customer_id');
      // A template naming a placeholder twice must see the same value twice.
      const consistent =
        names.every((name, i) => match[i + 1] === value(name)) &&
        (!names.includes('call_id') || value('call_id') === ref?.callId);
      return ref && customerId && consistent ? { ...ref, customerId } : undefined;
    },
  };
}

/** Why a path template cannot name recordings (undefined when it can). */
export function checkPathTemplate(template: string): string | undefined {
  for (const needed of ['{recording_id}', '{customer_id}']) {
    if (!template.includes(needed)) return `must contain ${needed}`;
  }
  return undefined;
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
