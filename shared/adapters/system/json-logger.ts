import type { ScopedLogger } from '../../kernel/logger.ts';
import { currentLogContext } from './log-context.ts';

type Level = 'info' | 'warn' | 'error';

/** Where log lines go: the process's stdout/stderr in Lambda (CloudWatch), a buffer in tests. */
export type LogSink = (level: Level, line: string) => void;

/**
 * Writes each line straight to the process's own stdout (stderr for errors), never through `console`.
 * Under Lambda's JSON log format the runtime replaces `console.*`: a string given to `console.log`
 * becomes the `message` of the runtime's own JSON line, so a JSON line would arrive double-encoded and
 * none of its fields could be filtered on. A line written to stdout reaches CloudWatch as it is; the
 * runtime only reads its `level` (for log-level filtering) and `timestamp`. Writes to a pipe or file are
 * synchronous on Linux, so no line is lost when Lambda freezes the process after an invocation.
 */
export const stdioSink: LogSink = (level, line) => {
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
};

/** Levels as the Lambda runtime writes them (and reads them, to filter by the function's log level). */
const LEVELS: Record<Level, string> = { info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * Structured JSON logger: one JSON object per line, its fields at the top level (`timestamp`, `level`
 * as the Lambda runtime names them, `message`), then the current log context (`withLogContext`: the
 * request id and the call, recording or event the request is about), then `context` (e.g. `service`),
 * then the line's own fields. Errors among the fields are written with their name, message and stack.
 */
export function createJsonLogger(
  context: Record<string, unknown> = {},
  sink: LogSink = stdioSink,
): ScopedLogger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    const own = { timestamp: new Date().toISOString(), level: LEVELS[level], message };
    // The line's own fields come first and win: no context or field may pass for them.
    const line = { ...own, ...currentLogContext(), ...context, ...fields, ...own };
    sink(level, serialize(line));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (extra) => createJsonLogger({ ...context, ...extra }, sink),
  };
}

/** One line of JSON; a value JSON cannot hold (a BigInt, a cycle) never costs the line. */
function serialize(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, errorsAsObjects);
  } catch {
    return JSON.stringify(
      Object.fromEntries(
        Object.entries(line).map(([key, value]) => [key, typeof value === 'object' ? String(value) : value]),
      ),
      (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    );
  }
}

function errorsAsObjects(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
