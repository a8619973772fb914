import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line and metric line written within a context carries (request id, call id, …). */
export type LogFields = Readonly<Record<string, unknown>>;

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` with `fields` added to the current log context: every line the JSON logger or the EMF
 * metrics write while it runs, from any module and any async continuation of it, carries them. Nested
 * contexts add to (and may override) the enclosing one. The context follows async work rather than a
 * global variable, so concurrent invocations (records of one batch handled at once, requests served
 * side by side by `npm start`) never see each other's ids.
 */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** The fields of the current log context (none outside any). */
export function currentLogContext(): LogFields {
  return storage.getStore() ?? {};
}
