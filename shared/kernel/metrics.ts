/** Operational counters (CloudWatch metrics in AWS), never carrying customer data. */
export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  count(name: string, value?: number): void;
}

/** The CloudWatch namespace of the service's own metrics (alarms in infra/ watch it). */
export const METRICS_NAMESPACE = 'MiniVoice/Recordings';
