import { InvalidRequestError } from './api-error.ts';

const DIGITS = /^[0-9]{1,9}$/;

/**
 * An integer query parameter within bounds, its default when absent, or 400 `invalid_request` (digits
 * only: no sign, no decimal point, no repeated parameter).
 */
export function boundedInteger(
  name: string,
  raw: string | undefined,
  bounds: { min: number; max: number; default: number },
): number {
  if (raw === undefined) return bounds.default;
  const value = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= bounds.min && value <= bounds.max)) {
    throw new InvalidRequestError(`${name} must be an integer from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}

/** Page size of every list route: 1–100, 20 when not given. */
export const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;
