// Call ids are `call_` + letters/digits. No further `_`, so `rec_<call_id>_<n>` can never be ambiguous.
const CALL_ID_PATTERN = /^call_[A-Za-z0-9]{1,64}$/;

/** True when `id` has the shape of a call id. */
export function isValidCallId(id: string): boolean {
  return CALL_ID_PATTERN.test(id);
}
