import { InvalidRequestError } from '../kernel/api-error.ts';
import { boundedInteger, LIST_LIMIT } from '../kernel/query-params.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhooks/types.ts';

const EVENT_ID = /^evt_[a-z0-9]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** The event id of a path, or 400 `invalid_request`. */
export function requireEventId(raw: string): string {
  if (!EVENT_ID.test(raw)) throw new InvalidRequestError('event id in the path is malformed');
  return raw;
}

/** `status` of the events list: required, one of the delivery statuses. */
export function parseStatus(raw: string | undefined): DeliveryStatus {
  if (raw === undefined || !(DELIVERY_STATUSES as readonly string[]).includes(raw)) {
    throw new InvalidRequestError(`status must be one of ${DELIVERY_STATUSES.join(', ')}`);
  }
  return raw as DeliveryStatus;
}

/** `limit` of the events list. */
export function parseLimit(raw: string | undefined): number {
  return boundedInteger('limit', raw, LIST_LIMIT);
}

/** A cursor as given (it is checked against the listing it continues by the store). */
export function parseCursor(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(raw)) throw new InvalidRequestError('cursor is not one this list gave');
  return raw;
}

/** A point in time (RFC 3339), normalised to UTC with milliseconds, or 400 `invalid_request`. */
export function parseSince(raw: unknown, name = 'since'): string {
  const at = typeof raw === 'string' && RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidRequestError(`${name} must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z`);
  return new Date(at).toISOString();
}
