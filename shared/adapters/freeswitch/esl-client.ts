import { ProviderError } from '../../recordings/errors.ts';
import { EslConnection, type EslEndpoint } from './esl-connection.ts';

/** Where and how to reach FreeSWITCH's `mod_event_socket`, and the budget of one operation. */
export interface EslConnectionOptions extends EslEndpoint {
  /** Budget for the whole operation: connect, auth and every command. */
  timeoutMs: number;
}

/** An authenticated Event Socket session, for the duration of one operation. */
export interface EslSession {
  /** Runs `api <command>` and returns the reply body (trimmed), `-ERR …` included. */
  api(command: string): Promise<string>;
}

/**
 * How one media server's operations get a session: a pool of kept connections (`createEslPool`) or a
 * connection per operation ({@link oneShotSessions}). Every failure is a `ProviderError` saying whether
 * a command may have run.
 */
export interface EslSessions {
  /** Runs `work` on an authenticated session of its own (no other operation's commands interleave). */
  run<T>(work: (session: EslSession) => Promise<T>): Promise<T>;
  /** Closes every connection kept open. */
  close(): void;
}

/**
 * Opens an inbound Event Socket connection, authenticates, runs `work`, and closes the connection.
 * What one-off clients use (the admin CLI's call control); the functions keep their connections
 * (`createEslPool`). Every failure is a `ProviderError` saying whether a command may have run (see
 * `EslConnection`).
 */
export async function withEslSession<T>(
  options: EslConnectionOptions,
  work: (session: EslSession) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const connection = await EslConnection.open(options, options.timeoutMs);
  try {
    return await work({
      api: async (command) => (await connection.api(command, remaining(), options.timeoutMs)).trim(),
    });
  } finally {
    connection.close();
  }
}

/** Sessions that each open (and close) a connection of their own: {@link withEslSession}. */
export function oneShotSessions(options: EslConnectionOptions): EslSessions {
  return { run: (work) => withEslSession(options, work), close: () => undefined };
}

/** Throws `rejected` for an `-ERR`/`-USAGE` answer; returns the body otherwise. */
export function expectOk(command: string, body: string): string {
  if (body.startsWith('-ERR') || body.startsWith('-USAGE')) {
    throw new ProviderError(`FreeSWITCH answered "${body}" to "${command.split(' ')[0]}"`, 'rejected');
  }
  return body;
}
