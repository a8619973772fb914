import type { Metrics } from '../../kernel/metrics.ts';

/**
 * Metrics as CloudWatch Embedded Metric Format lines: one JSON log line per count, which CloudWatch
 * turns into a metric of `namespace` (dimension `service`) without any API call from the function.
 */
export function createEmfMetrics(
  namespace: string,
  service: string,
  write: (line: string) => void = (line) => console.log(line),
): Metrics {
  return {
    count(name, value = 1) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              { Namespace: namespace, Dimensions: [['service']], Metrics: [{ Name: name, Unit: 'Count' }] },
            ],
          },
          service,
          [name]: value,
        }),
      );
    },
  };
}
