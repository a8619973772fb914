/** One Event Socket message: its header block and (when `Content-Length` says so) its body. */
export interface EslMessage {
  headers: Record<string, string>;
  body: string;
}

const HEADER_END = Buffer.from('\n\n');

/**
 * Incremental parser of the Event Socket framing: `Name: value` lines ended by an empty line, then
 * exactly `Content-Length` bytes of body. Bytes may arrive split anywhere.
 */
export class EslMessageReader {
  private buffer = Buffer.alloc(0);

  /** Adds received bytes and returns every message they complete. */
  push(chunk: Buffer): EslMessage[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const messages: EslMessage[] = [];
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) return messages;
      const headers = parseHeaders(this.buffer.subarray(0, end).toString('utf8'));
      const length = Number.parseInt(headers['Content-Length'] ?? '0', 10) || 0;
      const bodyStart = end + HEADER_END.length;
      if (this.buffer.length < bodyStart + length) return messages;
      const body = this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
      this.buffer = this.buffer.subarray(bodyStart + length);
      messages.push({ headers, body });
    }
  }
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = decodeURIComponentSafe(line.slice(colon + 1).trim());
  }
  return headers;
}

// Event headers are URL-encoded by FreeSWITCH; reply headers are plain. Decoding plain text is harmless.
function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
