import { connect, type Socket } from 'node:net';
import { ProviderError } from '../../recordings/errors.ts';
import { type EslMessage, EslMessageReader } from './esl-message-reader.ts';

/** Where and how to reach FreeSWITCH's `mod_event_socket` (inbound mode). */
export interface EslConnectionOptions {
  host: string;
  port: number;
  password: string;
  /** Budget for the whole session: connect, auth and every command. */
  timeoutMs: number;
}

/** An authenticated Event Socket session. */
export interface EslSession {
  /** Runs `api <command>` and returns the `api/response` body; `-ERR`/`-USAGE` replies throw. */
  api(command: string): Promise<string>;
}

// Commands are single lines; a CR/LF inside an argument would let it smuggle a second command.
const SAFE_COMMAND = /^[^\r\n]+$/;

/**
 * Opens an inbound Event Socket connection, authenticates, runs `work`, and closes the connection.
 * Refused connections, auth failures, dropped connections and the overall timeout all become
 * `ProviderError`s.
 */
export async function withEslSession<T>(
  options: EslConnectionOptions,
  work: (session: EslSession) => Promise<T>,
): Promise<T> {
  const socket = connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  const inbox = createInbox(socket);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new ProviderError(`no answer from FreeSWITCH within ${options.timeoutMs} ms`, 'timeout'));
    }, options.timeoutMs);
  });
  const session: EslSession = {
    async api(command) {
      if (!SAFE_COMMAND.test(command))
        throw new ProviderError('refusing a multi-line ESL command', 'protocol');
      socket.write(`api ${command}\n\n`);
      const reply = await inbox.next('api/response');
      const body = reply.body.trim();
      if (body.startsWith('-ERR') || body.startsWith('-USAGE')) {
        throw new ProviderError(`FreeSWITCH answered "${body}" to "${command.split(' ')[0]}"`, 'rejected');
      }
      return body;
    },
  };
  const run = async () => {
    await inbox.next('auth/request');
    socket.write(`auth ${options.password}\n\n`);
    const reply = await inbox.next('command/reply');
    if (!(reply.headers['Reply-Text'] ?? '').startsWith('+OK')) {
      throw new ProviderError('FreeSWITCH refused the event socket password', 'rejected');
    }
    const result = await work(session);
    socket.end('exit\n\n');
    return result;
  };
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** Queues parsed messages and hands them, in order, to whoever awaits the next of a given type. */
function createInbox(socket: Socket) {
  const reader = new EslMessageReader();
  const queue: EslMessage[] = [];
  let waiter: { type: string; resolve: (m: EslMessage) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;

  const deliver = () => {
    while (waiter) {
      const index = queue.findIndex((m) => m.headers['Content-Type'] === waiter?.type);
      if (index >= 0) {
        const [message] = queue.splice(0, index + 1).slice(-1);
        const w = waiter;
        waiter = undefined;
        if (message) w.resolve(message);
        return;
      }
      if (!failure) return;
      const w = waiter;
      waiter = undefined;
      w.reject(failure);
    }
  };
  const fail = (error: Error) => {
    failure ??= error;
    deliver();
  };

  socket.on('data', (chunk: Buffer) => {
    for (const message of reader.push(chunk)) {
      if (message.headers['Content-Type'] === 'text/disconnect-notice') {
        fail(new ProviderError('FreeSWITCH closed the event socket', 'protocol'));
      } else {
        queue.push(message);
      }
    }
    deliver();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'ECONNREFUSED' ? 'refused' : 'protocol';
    fail(new ProviderError(`event socket error: ${error.code ?? error.message}`, reason, { cause: error }));
  });
  socket.on('close', () =>
    fail(new ProviderError('event socket closed before FreeSWITCH answered', 'protocol')),
  );

  return {
    next(type: string): Promise<EslMessage> {
      return new Promise((resolve, reject) => {
        waiter = { type, resolve, reject };
        deliver();
      });
    },
  };
}
