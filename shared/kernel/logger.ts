/** Structured logger; never given keys or secrets. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that can make per-request children (e.g. carrying the request id on every line). */
export interface ScopedLogger extends Logger {
  child(fields: Record<string, unknown>): Logger;
}
