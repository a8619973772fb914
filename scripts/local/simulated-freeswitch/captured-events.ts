import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The captures the simulator is made from (`captures/`, copied byte for byte from
 * ../shared/notes/freeswitch-transcripts): single messages (`raw_*.txt`) and whole sessions
 * (`0*.txt`, with their `.timeline`). The simulator builds its events from these very messages, so
 * header names, their order and their encoding are the real ones.
 */
export const CAPTURES_DIR = join(import.meta.dirname, 'captures');

/** One header: its name and value. */
export type Header = [name: string, value: string];

/** One captured message: its outer headers, and its body's header lines (values as sent, URL-encoded). */
export interface CapturedMessage {
  outer: Header[];
  body: Header[];
  /** The exact bytes after the notes' two comment lines. */
  raw: string;
}

/** Reads a `raw_*.txt` capture: two comment lines, then the byte-exact message. */
export function readCapture(file: string): CapturedMessage {
  const text = readFileSync(join(CAPTURES_DIR, file), 'utf8');
  const raw = text.split('\n').slice(2).join('\n');
  const split = raw.indexOf('\n\n');
  return { outer: headerLines(raw.slice(0, split)), body: headerLines(raw.slice(split + 2)), raw };
}

/** One block of a transcript: the bytes the client sent, or one framed message it received. */
export interface TranscriptEntry {
  direction: 'sent' | 'received';
  /** Milliseconds since the connection opened. */
  atMs: number;
  bytes: Buffer;
}

const BLOCK = /^(?:<<<=== RECV \(t=(\d+)ms, (\d+) bytes\)|===>> SENT \(t=(\d+)ms\))\n/gm;

/**
 * Reads a transcript (`0*.txt`): each `===>> SENT` block is the command and its blank line; each
 * `<<<=== RECV (…, N bytes)` block is exactly the next N bytes (a body without a final newline is
 * followed by one the recorder added before its `# json:` line, which is not part of the message).
 */
export function readTranscript(file: string): TranscriptEntry[] {
  const data = readFileSync(join(CAPTURES_DIR, file));
  const text = data.toString('latin1'); // one character per byte: indices are byte offsets
  const entries: TranscriptEntry[] = [];
  BLOCK.lastIndex = 0;
  for (let match = BLOCK.exec(text); match; match = BLOCK.exec(text)) {
    const start = match.index + match[0].length;
    if (match[2] !== undefined) {
      const end = start + Number(match[2]);
      entries.push({ direction: 'received', atMs: Number(match[1]), bytes: data.subarray(start, end) });
      BLOCK.lastIndex = end;
    } else {
      const end = text.indexOf('\n\n', start) + 2;
      entries.push({ direction: 'sent', atMs: Number(match[3]), bytes: data.subarray(start, end) });
      BLOCK.lastIndex = end;
    }
  }
  return entries;
}

/** The body header lines of every plain event a transcript received, values decoded. */
export function transcriptEvents(file: string): Header[][] {
  return readTranscript(file).flatMap(({ direction, bytes }) => {
    const message = bytes.toString('utf8');
    if (direction !== 'received' || !message.includes('Content-Type: text/event-plain\n')) return [];
    const body = message.slice(message.indexOf('\n\n') + 2);
    return [decodeHeaders(headerLines(body.slice(0, body.indexOf('\n\n') + 1)))];
  });
}

/** The header lines of a capture, values decoded (as FreeSWITCH holds them before encoding). */
export function capturedHeaders(file: string): Header[] {
  return decodeHeaders(readCapture(file).body);
}

function headerLines(block: string): Header[] {
  return block
    .split('\n')
    .filter((line) => line !== '')
    .map((line): Header => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)];
    });
}

function decodeHeaders(headers: Header[]): Header[] {
  return headers.map(([name, value]) => [name, decodeHeaderValue(value)]);
}

// FreeSWITCH's switch_url_encode: control bytes, bytes above '~' and these are encoded; a `%` followed by
// two upper-case hex digits is taken as already encoded and kept (its hex table is upper case only).
const UNSAFE = new Set('\r\n #%&+:;<=>?@[\\]^`{|}"');
const UPPER_HEX = /^[0-9A-F]{2}$/;

/** Encodes a header value as FreeSWITCH does in plain events. */
export function encodeHeaderValue(value: string): string {
  let out = '';
  const bytes = Buffer.from(value, 'utf8');
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i] as number;
    const char = String.fromCharCode(byte);
    const escaped = char === '%' && UPPER_HEX.test(bytes.subarray(i + 1, i + 3).toString('latin1'));
    if (!escaped && (byte < 32 || byte > 126 || UNSAFE.has(char))) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}

/** Decodes a plain event's header value as FreeSWITCH's switch_url_decode does (`%XX`, any case). */
export function decodeHeaderValue(encoded: string): string {
  const bytes = Buffer.from(encoded, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 1) {
    const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
    if (bytes[i] === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      out.push(bytes[i] as number);
    }
  }
  return Buffer.from(out).toString('utf8');
}

/**
 * An event as mod_event_socket frames it for a `plain` listener: the outer length and type, then the
 * header lines (values encoded; an empty value is sent as `_undef_`), then either a blank line or the
 * event's own `Content-Length`, a blank line and its body (switch_event_serialize).
 */
export function framePlainEvent(headers: Header[], body?: string): string {
  const lines = headers
    .map(([name, value]) => `${name}: ${encodeHeaderValue(value) || '_undef_'}\n`)
    .join('');
  const text = body ? `${lines}Content-Length: ${Buffer.byteLength(body)}\n\n${body}` : `${lines}\n`;
  return `Content-Length: ${Buffer.byteLength(text)}\nContent-Type: text/event-plain\n\n${text}`;
}

/**
 * An event framed for a `json` listener: one unformatted object with every header in order, repeated
 * names kept (cJSON adds each), values decoded; a body adds `Content-Length` and `_body`
 * (switch_event_serialize_json_obj). No newline follows it.
 */
export function frameJsonEvent(headers: Header[], body?: string): string {
  const entries = [
    ...headers,
    ...(body
      ? [['Content-Length', String(Buffer.byteLength(body))] as Header, ['_body', body] as Header]
      : []),
  ];
  const text = `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
  return `Content-Length: ${Buffer.byteLength(text)}\nContent-Type: text/event-json\n\n${text}`;
}
