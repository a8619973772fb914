import { ProviderError } from '../../recordings/errors.ts';
import type { EslSession, EslSessions } from './esl-client.ts';
import { EslConnection, type EslEndpoint, EslPasswordRefusedError } from './esl-connection.ts';
import { type EslPasswordSource, fixedEslPassword } from './esl-password.ts';

/** One media server's Event Socket, and the fleet's password (fixed, or a source that may change). */
export type EslPoolEndpoint = Omit<EslEndpoint, 'password'> & { password: string | EslPasswordSource };

/** Settings of {@link createEslPool}. */
export interface EslPoolOptions {
  /** Budget of one operation: waiting for a free connection, connecting, authenticating, every command. */
  timeoutMs: number;
  /** Connections open at once to this media server; operations beyond it wait for a free one. */
  maxConnections?: number;
  /** A connection idle this long answers a harmless command before it is trusted with a real one. */
  checkAfterIdleMs?: number;
  /** A connection idle this long is closed instead of reused: the network may have forgotten it. */
  maxIdleMs?: number;
  /** How long that check may take (within the operation's budget) before the connection is replaced. */
  checkTimeoutMs?: number;
}

/**
 * The pool's defaults. A Lambda container runs one request at a time, so it keeps one connection per
 * node; `npm start` serves many at once. The network may forget an idle flow (an AWS NAT gateway does
 * after 350 s): a connection is not reused after 4 minutes, and one idle for 10 s (a frozen container,
 * a switch restarted meanwhile) is checked first.
 */
const ESL_POOL_DEFAULTS = {
  maxConnections: 8,
  checkAfterIdleMs: 10_000,
  maxIdleMs: 240_000,
  checkTimeoutMs: 1000,
} as const;

// Read-only and cheap: it proves the connection carries commands and replies right now.
const HEALTH_CHECK = 'global_getvar core_uuid';

interface IdleConnection {
  connection: EslConnection;
  since: number;
}

/**
 * Authenticated Event Socket connections to one media server, kept across operations (and across a
 * warm container's invocations). Each operation has a connection to itself for its duration, so no
 * other operation's commands interleave on it (a reply is matched to its command first in, first out);
 * concurrent operations use more connections, up to `maxConnections`.
 *
 * A connection is replaced, never trusted, when it is found closed, has been idle past `maxIdleMs`, or
 * fails the check run after `checkAfterIdleMs` of idleness; all of that happens before the operation's
 * first command is written, so replacing it cannot repeat a command. A connection whose command failed
 * (no reply in time, dropped mid-reply) is dropped, and that failure reaches the caller as it is
 * (`no_reply`: the command may have run): a command is never sent twice.
 *
 * After FreeSWITCH refuses the password, its source is asked for another (a rotated secret), which is
 * tried once on a fresh connection, within the operation's budget. Authentication comes before any command,
 * so this retry cannot run a command twice.
 */
export function createEslPool(endpoint: EslPoolEndpoint, options: EslPoolOptions): EslSessions {
  const settings = { ...ESL_POOL_DEFAULTS, ...options };
  const passwords =
    typeof endpoint.password === 'string' ? fixedEslPassword(endpoint.password) : endpoint.password;
  const { host, port } = endpoint;
  /** Connections open and not dropped: idle ones and those in use. */
  const live = new Set<EslConnection>();
  /** Most recently used last: reuse takes the warmest, the others grow old and are closed. */
  const idle: IdleConnection[] = [];
  const waiting: (() => void)[] = [];
  let opening = 0;
  let closed = false;

  const wakeOne = () => waiting.shift()?.();

  function drop(connection: EslConnection, graceful = false) {
    if (!live.delete(connection)) return;
    if (graceful) connection.close();
    else connection.destroy();
    wakeOne();
  }

  /** Connects and authenticates; after a refused password, once more with another from its source. */
  async function authenticated(deadline: number): Promise<EslConnection> {
    const password = passwords.current();
    try {
      return await EslConnection.open({ host, port, password }, Math.max(1, deadline - Date.now()));
    } catch (error) {
      if (!(error instanceof EslPasswordRefusedError)) throw error;
      const next = await withinBudget(passwords.afterRefusal(password), deadline, error);
      if (next === undefined) throw error;
      return EslConnection.open({ host, port, password: next }, Math.max(1, deadline - Date.now()));
    }
  }

  async function open(deadline: number): Promise<EslConnection> {
    opening += 1;
    try {
      const connection = await authenticated(deadline);
      live.add(connection);
      // Closed while idle (the switch restarted, or said goodbye): forget it at once.
      connection.onClose(() => {
        const at = idle.findIndex((entry) => entry.connection === connection);
        if (at >= 0) {
          idle.splice(at, 1);
          drop(connection);
        }
      });
      return connection;
    } catch (error) {
      wakeOne();
      throw error;
    } finally {
      opening -= 1;
    }
  }

  /** Whether an idle connection may carry the next operation (dropping it when not). */
  async function usable({ connection, since }: IdleConnection, deadline: number): Promise<boolean> {
    const idleMs = Date.now() - since;
    if (!connection.open || idleMs >= settings.maxIdleMs) {
      drop(connection, connection.open);
      return false;
    }
    if (idleMs < settings.checkAfterIdleMs) return true;
    connection.keepProcessAlive(true);
    try {
      await connection.api(
        HEALTH_CHECK,
        Math.min(settings.checkTimeoutMs, Math.max(1, deadline - Date.now())),
      );
      return true;
    } catch {
      drop(connection);
      return false;
    }
  }

  function waitForTurn(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          const at = waiting.indexOf(wake);
          if (at >= 0) waiting.splice(at, 1);
          reject(
            new ProviderError(
              `no event socket connection free within ${settings.timeoutMs} ms`,
              'unreachable',
            ),
          );
        },
        Math.max(1, deadline - Date.now()),
      );
      waiting.push(wake);
    });
  }

  async function acquire(deadline: number): Promise<EslConnection> {
    for (;;) {
      if (closed) throw new ProviderError('the event socket pool is closed', 'unreachable');
      const entry = idle.pop();
      if (entry) {
        if (await usable(entry, deadline)) {
          entry.connection.keepProcessAlive(true);
          return entry.connection;
        }
      } else if (live.size + opening < settings.maxConnections) {
        return open(deadline);
      } else {
        await waitForTurn(deadline);
      }
    }
  }

  function release(connection: EslConnection) {
    if (closed || !connection.open) {
      drop(connection, connection.open);
      return;
    }
    // Kept for the next operation, without holding a script's process open meanwhile.
    connection.keepProcessAlive(false);
    idle.push({ connection, since: Date.now() });
    wakeOne();
  }

  return {
    async run<T>(work: (session: EslSession) => Promise<T>): Promise<T> {
      const deadline = Date.now() + settings.timeoutMs;
      const connection = await acquire(deadline);
      try {
        return await work({
          api: async (command) =>
            (await connection.api(command, Math.max(1, deadline - Date.now()), settings.timeoutMs)).trim(),
        });
      } finally {
        release(connection);
      }
    },
    close() {
      closed = true;
      for (const { connection } of idle.splice(0)) drop(connection, true);
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

/**
 * The password to try after a refusal, if it comes before the operation's deadline; otherwise (or if
 * reading it failed) the refusal stands. A read still running goes on and serves the next connection.
 */
async function withinBudget(
  next: Promise<string | undefined>,
  deadline: number,
  refusal: EslPasswordRefusedError,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(1, deadline - Date.now()));
  });
  try {
    return await Promise.race([next, late]);
  } catch (error) {
    throw new ProviderError(
      `${refusal.message}, and reading it again failed: ${error instanceof Error ? error.message : String(error)}`,
      'unreachable',
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
