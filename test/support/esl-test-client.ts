import { connect, type Socket } from 'node:net';

/** One framed message as received: its exact text, outer headers and body. */
export interface RawMessage {
  raw: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A bare Event Socket client for byte-level tests: sends lines, and collects every framed message
 * exactly as received (framing by `Content-Length`, like FreeSWITCH's own clients).
 */
export async function connectRaw(port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  const messages: RawMessage[] = [];
  let buffer = Buffer.alloc(0);
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('utf8');
      const headers = Object.fromEntries(
        head
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
      );
      const length = Number(headers['Content-Length'] ?? 0);
      if (buffer.length < end + 2 + length) return;
      const body = buffer.subarray(end + 2, end + 2 + length).toString('utf8');
      messages.push({ raw: buffer.subarray(0, end + 2 + length).toString('utf8'), headers, body });
      buffer = buffer.subarray(end + 2 + length);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  /** Waits until `count` messages have arrived (or `ms` passed), and returns them all. */
  async function waitFor(count: number, ms = 3000): Promise<RawMessage[]> {
    const until = Date.now() + ms;
    while (messages.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return messages;
  }

  return {
    messages,
    waitFor,
    isClosed: () => closed,
    /** Sends one command line (the blank line is added). */
    send(line: string) {
      socket.write(`${line}\n\n`);
    },
    /** Sends a line and returns its reply (the next message that is not an event). */
    async ask(line: string): Promise<RawMessage> {
      const before = messages.length;
      socket.write(`${line}\n\n`);
      const isReply = (m: RawMessage) => !String(m.headers['Content-Type']).startsWith('text/event-');
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        const reply = messages.slice(before).find(isReply);
        if (reply) return reply;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`no reply to ${line}`);
    },
    close: () => socket.destroy(),
  };
}

/** The `Name` of each `Name: value` line of an event body, in order. */
export function headerNames(body: string): string[] {
  return body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.slice(0, line.indexOf(': ')));
}
