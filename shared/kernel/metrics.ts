/** Operational counters (CloudWatch metrics in AWS), never carrying customer data. */
export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  count(name: string, value?: number): void;
}
