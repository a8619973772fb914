import type { ApiError } from './api-error.ts';

/** A JSON request body as the HTTP edge read it: its value, or the error it deserves (after auth). */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: ApiError };
