/**
 * Names of a metric's dimensions and their values (few, and never customer data: a command, an outcome,
 * an operation). Each distinct set of values is a metric of its own in CloudWatch, so values come from
 * small fixed sets.
 */
export type MetricDimensions = Readonly<Record<string, string>>;

/** Operational metrics (CloudWatch metrics in AWS), never carrying customer data. */
export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  count(name: string, value?: number, dimensions?: MetricDimensions): void;
  /** Records one duration or age, in milliseconds (latency, lag). */
  duration(name: string, milliseconds: number, dimensions?: MetricDimensions): void;
}

/** The CloudWatch namespace of the service's own metrics (alarms and the dashboard in infra/ watch it). */
export const METRICS_NAMESPACE = 'MiniVoice/Recordings';
