import type { MetricDimensions, Metrics } from '../../../shared/kernel/metrics.ts';

/** One data point as the use case recorded it. */
export interface RecordedMetric {
  name: string;
  value: number;
  unit: 'Count' | 'Milliseconds';
  dimensions: MetricDimensions;
}

/** Metrics that keep every data point, in order, for assertions. */
export function createMemoryMetrics(): Metrics & { points: RecordedMetric[] } {
  const points: RecordedMetric[] = [];
  return {
    points,
    count: (name, value = 1, dimensions = {}) => void points.push({ name, value, unit: 'Count', dimensions }),
    duration: (name, value, dimensions = {}) =>
      void points.push({ name, value, unit: 'Milliseconds', dimensions }),
  };
}

/** Metrics nobody reads. */
export const noMetrics: Metrics = { count: () => undefined, duration: () => undefined };
