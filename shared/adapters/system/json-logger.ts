import type { ScopedLogger } from '../../kernel/logger.ts';

type Level = 'info' | 'warn' | 'error';

/** Where log lines go; the console in Lambda (CloudWatch), a buffer in tests. */
export type LogSink = (level: Level, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

/** Structured JSON logger; `context` (e.g. service, request id) is added to every line. */
export function createJsonLogger(
  context: Record<string, unknown> = {},
  sink: LogSink = consoleSink,
): ScopedLogger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) =>
    sink(level, JSON.stringify({ level, time: new Date().toISOString(), message, ...context, ...fields }));
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (extra) => createJsonLogger({ ...context, ...extra }, sink),
  };
}
