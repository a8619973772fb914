/** RFC 3339 UTC with seconds precision, as the spec shows: `2026-05-29T12:00:00Z`. */
export function toRfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
