import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Events captured from a real FreeSWITCH 1.11 (`captures/`, copied byte for byte from
 * ../shared/notes/freeswitch-transcripts): the simulator sends these very events with only the
 * per-call values changed, so header names, their order and their encoding are the real ones.
 */
export type CapturedEvent =
  | 'RECORD_START'
  | 'RECORD_START_with_vars'
  | 'RECORD_STOP_after_api_stop'
  | 'RECORD_STOP_on_uuid_kill'
  | 'RECORD_STOP_limit_reached'
  | 'CHANNEL_HANGUP_COMPLETE_on_uuid_kill';

const FILES: Record<CapturedEvent, string> = {
  RECORD_START: 'raw_RECORD_START_plain.txt',
  RECORD_START_with_vars: 'raw_RECORD_START_plain_with_recording_vars.txt',
  RECORD_STOP_after_api_stop: 'raw_RECORD_STOP_plain_after_api_stop.txt',
  RECORD_STOP_on_uuid_kill: 'raw_RECORD_STOP_plain_on_uuid_kill.txt',
  RECORD_STOP_limit_reached: 'raw_RECORD_STOP_plain_limit_reached.txt',
  CHANNEL_HANGUP_COMPLETE_on_uuid_kill: 'raw_CHANNEL_HANGUP_COMPLETE_on_uuid_kill_while_recording.txt',
};

/** The directory of the captured messages. */
export const CAPTURES_DIR = join(import.meta.dirname, 'captures');

/** One captured message: its outer headers, and its body's header lines (values as sent, URL-encoded). */
export interface CapturedMessage {
  outer: [string, string][];
  body: [string, string][];
  /** The exact bytes after the notes' two comment lines. */
  raw: string;
}

/** Reads a capture file: two comment lines, then the byte-exact message. */
export function readCapture(file: string): CapturedMessage {
  const text = readFileSync(join(CAPTURES_DIR, file), 'utf8');
  const raw = text.split('\n').slice(2).join('\n');
  const split = raw.indexOf('\n\n');
  const lines = (block: string) =>
    block
      .split('\n')
      .filter((line) => line !== '')
      .map((line): [string, string] => {
        const colon = line.indexOf(': ');
        return [line.slice(0, colon), line.slice(colon + 2)];
      });
  return { outer: lines(raw.slice(0, split)), body: lines(raw.slice(split + 2)), raw };
}

const templates = new Map<CapturedEvent, CapturedMessage>();

/** The capture an event is made from (read once). */
export function captured(event: CapturedEvent): CapturedMessage {
  let template = templates.get(event);
  if (!template) {
    template = readCapture(FILES[event]);
    templates.set(event, template);
  }
  return template;
}

// FreeSWITCH's switch_url_encode: control bytes, bytes above '~' and these are encoded; a valid %XX stays.
const UNSAFE = new Set('\r\n #%&+:;<=>?@[\\]^`{|}"');

/** Encodes a header value as FreeSWITCH does in plain events. */
export function encodeHeaderValue(value: string): string {
  let out = '';
  const bytes = Buffer.from(value, 'utf8');
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] as number;
    const char = String.fromCharCode(byte);
    const escaped = char === '%' && /^[0-9A-Fa-f]{2}$/.test(bytes.subarray(i + 1, i + 3).toString('latin1'));
    if (!escaped && (byte < 32 || byte > 126 || UNSAFE.has(char))) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}

/** What changes from one event to the next: replaced values (decoded), added and removed headers. */
export interface EventChanges {
  /** Header → new (decoded) value; a header not in the capture is appended at the end. */
  set?: Record<string, string>;
  /** Every occurrence of a captured string (e.g. the captured channel uuid) in any value → this string. */
  replace?: [string, string][];
  /** Headers inserted right after another one: [after, name, value]. */
  insertAfter?: [string, string, string][];
  /** Captured headers left out. */
  drop?: (name: string) => boolean;
}

/** The body header lines of an event made from a capture, values encoded as FreeSWITCH sends them. */
export function eventHeaders(event: CapturedEvent, changes: EventChanges): [string, string][] {
  const replace = changes.replace ?? [];
  const set = changes.set ?? {};
  const seen = new Set<string>();
  const headers: [string, string][] = [];
  for (const [name, value] of captured(event).body) {
    if (changes.drop?.(name)) continue;
    let out = value;
    for (const [from, to] of replace) out = out.split(from).join(to);
    if (name in set) {
      out = encodeHeaderValue(set[name] as string);
      seen.add(name);
    }
    headers.push([name, out]);
    for (const [after, extraName, extraValue] of changes.insertAfter ?? []) {
      if (after === name) headers.push([extraName, encodeHeaderValue(extraValue)]);
    }
  }
  for (const [name, value] of Object.entries(set)) {
    if (!seen.has(name)) headers.push([name, encodeHeaderValue(value)]);
  }
  return headers;
}

/** Frames event headers as `text/event-plain` (as mod_event_socket does: length, type, body, blank line). */
export function framePlainEvent(headers: [string, string][]): string {
  const body = `${headers.map(([name, value]) => `${name}: ${value}\n`).join('')}\n`;
  return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}`;
}

/** Frames event headers as `text/event-json`: one object of decoded values, no trailing newline. */
export function frameJsonEvent(headers: [string, string][]): string {
  const body = JSON.stringify(Object.fromEntries(headers.map(([name, value]) => [name, safeDecode(value)])));
  return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
