import type { ScopedLogger } from '../../../shared/kernel/logger.ts';

/** A logger that keeps its lines (as JSON) for assertions; children write to the same list. */
export function createMemoryLogger(
  context: Record<string, unknown> = {},
  lines: string[] = [],
): ScopedLogger & {
  lines: string[];
} {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...context, ...fields }));
  return {
    lines,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (extra) => createMemoryLogger({ ...context, ...extra }, lines),
  };
}
