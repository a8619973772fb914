import type { MetricDimensions, Metrics } from '../../kernel/metrics.ts';
import { currentLogContext } from './log-context.ts';

/** CloudWatch units of the two kinds of metric the service records. */
type Unit = 'Count' | 'Milliseconds';

/**
 * Metrics as CloudWatch Embedded Metric Format lines: one JSON line per data point, written straight to
 * stdout (as the JSON logger does, so Lambda's JSON log format passes it through untouched), which
 * CloudWatch turns into a metric of `namespace` without any API call from the function.
 *
 * Every metric has the `service` dimension (what the alarms watch). One with dimensions of its own
 * (`command`, `outcome`, …) is also published under `service` plus those, so the total and the
 * breakdown are both there. The line also carries the current log context (`withLogContext`: the
 * request id, call id, …) as plain properties: searchable in Logs Insights, not dimensions.
 */
export function createEmfMetrics(
  namespace: string,
  service: string,
  write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
): Metrics {
  const emit = (name: string, value: number, unit: Unit, dimensions: MetricDimensions = {}) => {
    const own = Object.keys(dimensions);
    const dimensionSets = own.length > 0 ? [['service'], ['service', ...own]] : [['service']];
    write(
      JSON.stringify({
        ...currentLogContext(),
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            { Namespace: namespace, Dimensions: dimensionSets, Metrics: [{ Name: name, Unit: unit }] },
          ],
        },
        service,
        ...dimensions,
        [name]: value,
      }),
    );
  };
  return {
    count: (name, value = 1, dimensions) => emit(name, value, 'Count', dimensions),
    duration: (name, milliseconds, dimensions) => emit(name, milliseconds, 'Milliseconds', dimensions),
  };
}
