import { connect, type Socket } from 'node:net';
import { ProviderError } from '../../recordings/errors.ts';
import { type EslMessage, EslMessageReader } from './esl-message-reader.ts';

/** Where and how to reach FreeSWITCH's `mod_event_socket` (inbound mode). */
export interface EslEndpoint {
  host: string;
  port: number;
  password: string;
}

/**
 * FreeSWITCH answered `auth` with `-ERR invalid` (and closes the connection): no command was sent. The
 * password may have been rotated meanwhile (`EslPasswordSource`).
 */
export class EslPasswordRefusedError extends ProviderError {
  constructor() {
    super('FreeSWITCH refused the event socket password', 'unreachable');
    this.name = 'EslPasswordRefusedError';
  }
}

/** An event received on a subscribed connection: its headers, decoded. */
export type EslEvent = Record<string, string>;

// Commands are single lines; a CR/LF inside an argument would let it smuggle a second command.
const SAFE_COMMAND = /^[^\r\n]+$/;

/**
 * One authenticated inbound Event Socket connection. Commands are answered in the order they were
 * sent (FreeSWITCH runs one connection's commands in order), so replies are matched first in, first
 * out; events on a subscribed connection go to the `onEvent` listener.
 *
 * Failures are `ProviderError`s that say whether the command may have run: `unreachable` (it was never
 * sent), `no_reply` (it was sent, and no answer came: it may have been carried out).
 */
export class EslConnection {
  private readonly reader = new EslMessageReader();
  private readonly pending: { resolve: (m: EslMessage) => void; reject: (e: Error) => void }[] = [];
  private readonly eventListeners: ((event: EslEvent) => void)[] = [];
  private readonly closeListeners: ((error: Error) => void)[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const message of this.reader.push(chunk)) this.receive(message);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.fail(
        new ProviderError(`event socket error: ${error.code ?? error.message}`, 'no_reply', { cause: error }),
      ),
    );
    socket.on('close', () => this.fail(new ProviderError('event socket closed', 'no_reply')));
  }

  /** Connects and authenticates within `timeoutMs`; nothing has been sent to the switch if this fails. */
  static async open(endpoint: EslEndpoint, timeoutMs: number): Promise<EslConnection> {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const connection = new EslConnection(socket);
    const greeting = connection.expect('auth/request');
    const timer = setTimeout(
      () =>
        connection.fail(new ProviderError(`no answer from FreeSWITCH within ${timeoutMs} ms`, 'unreachable')),
      timeoutMs,
    );
    try {
      await greeting.catch((error: unknown) => {
        throw unreachable(error);
      });
      const reply = await connection.send(`auth ${endpoint.password}`, timeoutMs).catch((error: unknown) => {
        throw unreachable(error);
      });
      if (!(reply.headers['Reply-Text'] ?? '').startsWith('+OK')) throw new EslPasswordRefusedError();
      return connection;
    } catch (error) {
      connection.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** True until the connection fails or is closed. */
  get open(): boolean {
    return this.failure === undefined;
  }

  /**
   * Runs `api <command>` and returns the reply body as FreeSWITCH sent it (`-ERR …` included). `budgetMs`
   * is the whole operation's budget, named in the error when the remaining `timeoutMs` runs out.
   */
  async api(command: string, timeoutMs: number, budgetMs = timeoutMs): Promise<string> {
    if (!SAFE_COMMAND.test(command)) throw new ProviderError('refusing a multi-line ESL command', 'rejected');
    return (await this.send(`api ${command}`, timeoutMs, budgetMs)).body;
  }

  /** Sends a socket command (`event plain …`, `noevents`, …) and returns its `Reply-Text`. */
  async command(line: string, timeoutMs: number): Promise<string> {
    if (!SAFE_COMMAND.test(line)) throw new ProviderError('refusing a multi-line ESL command', 'rejected');
    return (await this.send(line, timeoutMs)).headers['Reply-Text'] ?? '';
  }

  /** Receives every event of a subscribed connection. */
  onEvent(listener: (event: EslEvent) => void): void {
    this.eventListeners.push(listener);
  }

  /** Learns once that the connection is gone (closed by either side, or broken). */
  onClose(listener: (error: Error) => void): void {
    if (this.failure) listener(this.failure);
    else this.closeListeners.push(listener);
  }

  /**
   * Whether this connection keeps the process alive: an idle pooled connection must not hold a script
   * (or a test) open once its work is done; one in use must.
   */
  keepProcessAlive(keep: boolean): void {
    if (keep) this.socket.ref();
    else this.socket.unref();
  }

  /** Says goodbye (`exit`) and closes. */
  close(): void {
    if (this.open) this.socket.end('exit\n\n');
    this.destroy();
  }

  /** Closes at once. */
  destroy(): void {
    this.fail(new ProviderError('event socket closed', 'no_reply'));
    this.socket.destroy();
  }

  private send(line: string, timeoutMs: number, budgetMs = timeoutMs): Promise<EslMessage> {
    if (this.failure) return Promise.reject(unreachable(this.failure));
    const reply = this.expect('reply');
    this.socket.write(`${line}\n\n`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ProviderError(`no answer from FreeSWITCH within ${budgetMs} ms`, 'no_reply');
        // A late reply would be matched to the next command: the connection cannot be trusted any more.
        this.fail(error);
        reject(error);
      }, timeoutMs);
    });
    return Promise.race([reply, timeout]).finally(() => clearTimeout(timer));
  }

  private expect(_kind: 'auth/request' | 'reply'): Promise<EslMessage> {
    return new Promise((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else this.pending.push({ resolve, reject });
    });
  }

  private receive(message: EslMessage) {
    const type = message.headers['Content-Type'];
    if (type === 'text/event-plain' || type === 'text/event-json') {
      const event = type === 'text/event-json' ? parseJsonEvent(message.body) : parsePlainEvent(message.body);
      for (const listener of this.eventListeners) listener(event);
      return;
    }
    if (type === 'text/disconnect-notice') {
      this.fail(new ProviderError('FreeSWITCH closed the event socket', 'no_reply'));
      return;
    }
    this.pending.shift()?.resolve(message);
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
    for (const listener of this.closeListeners.splice(0)) listener(error);
    this.socket.destroy();
  }
}

/** The same failure, known to have happened before any command reached the switch. */
function unreachable(error: unknown): ProviderError {
  if (error instanceof ProviderError && error.reason === 'unreachable') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(message, 'unreachable', { cause: error });
}

/** A plain event body: `Name: value` lines, values URL-encoded. */
function parsePlainEvent(body: string): EslEvent {
  const event: EslEvent = {};
  for (const line of body.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const value = line.slice(colon + 2);
    try {
      event[line.slice(0, colon)] = decodeURIComponent(value);
    } catch {
      event[line.slice(0, colon)] = value;
    }
  }
  return event;
}

function parseJsonEvent(body: string): EslEvent {
  try {
    return JSON.parse(body) as EslEvent;
  } catch {
    return {};
  }
}
