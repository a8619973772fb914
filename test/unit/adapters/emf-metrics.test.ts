import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmfMetrics } from '../../../shared/adapters/system/emf-metrics.ts';
import { withLogContext } from '../../../shared/adapters/system/log-context.ts';
import { METRICS_NAMESPACE } from '../../../shared/kernel/metrics.ts';

const NOW = Date.parse('2026-11-24T10:00:00.000Z');

/** The units the EMF specification allows. */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/**
 * Everything the CloudWatch Embedded Metric Format specification requires of a log line, checked the way
 * CloudWatch reads it: the problems found (none: CloudWatch extracts every metric the line declares).
 */
function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let root: Record<string, unknown>;
  try {
    root = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return ['not a JSON object'];
  const aws = root._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws !== 'object' || aws === null) return ['no _aws member'];
  if (!Number.isInteger(aws.Timestamp)) problems.push('_aws.Timestamp is not epoch milliseconds');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) {
    return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  }
  for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
    const { Namespace, Dimensions, Metrics } = directive;
    if (typeof Namespace !== 'string' || !/\S/.test(Namespace) || Namespace.length > 255) {
      problems.push('Namespace is not 1-255 characters');
    }
    if (!Array.isArray(Dimensions)) problems.push('Dimensions is not an array');
    for (const set of (Array.isArray(Dimensions) ? Dimensions : []) as unknown[]) {
      if (!Array.isArray(set) || set.length > 30)
        problems.push('a dimension set is not an array of ≤ 30 keys');
      for (const key of (Array.isArray(set) ? set : []) as unknown[]) {
        const value = root[String(key)];
        if (typeof value !== 'string' || value.length === 0 || value.length > 1024) {
          problems.push(`dimension ${String(key)} is not a top-level string of 1-1024 characters`);
        }
      }
    }
    if (!Array.isArray(Metrics) || Metrics.length === 0 || Metrics.length > 100) {
      problems.push('Metrics is not an array of 1-100 definitions');
    }
    for (const metric of (Array.isArray(Metrics) ? Metrics : []) as Record<string, unknown>[]) {
      const name = metric.Name;
      if (typeof name !== 'string' || name.length === 0 || name.length > 1024)
        problems.push('a metric has no Name');
      if (metric.Unit !== undefined && !UNITS.has(String(metric.Unit))) problems.push(`unit ${metric.Unit}`);
      const value = root[String(name)];
      const values = Array.isArray(value) ? value : [value];
      if (values.length > 100 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        problems.push(`metric ${String(name)} has no top-level number`);
      }
    }
  }
  return problems;
}

/** Metrics writing into a list, and the lines they wrote. */
function capture(service = 'webhook-sender') {
  const lines: string[] = [];
  return { metrics: createEmfMetrics(METRICS_NAMESPACE, service, (line) => void lines.push(line)), lines };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createEmfMetrics', () => {
  it('writes lines that are valid Embedded Metric Format, whatever the metric', () => {
    const { metrics, lines } = capture();

    withLogContext({ request_id: 'req-1', event_id: 'evt_1' }, () => {
      metrics.count('WebhookEndpointsDisabled');
      metrics.count('WebhookAttempts', 1, { outcome: 'retry' });
      metrics.duration('WebhookLatency', 182, { result: '5xx' });
      metrics.duration('OutboxLag', 0);
    });

    expect(lines.map(emfProblems)).toEqual([[], [], [], []]);
  });

  it('sees the problems CloudWatch would (the check itself can fail)', () => {
    expect([
      emfProblems('{"message":"plain log line"}'),
      emfProblems(
        JSON.stringify({
          _aws: {
            Timestamp: NOW,
            CloudWatchMetrics: [
              { Namespace: 'N', Dimensions: [['service']], Metrics: [{ Name: 'X', Unit: 'ms' }] },
            ],
          },
          X: '3',
        }),
      ),
    ]).toEqual([
      ['no _aws member'],
      [
        'dimension service is not a top-level string of 1-1024 characters',
        'unit ms',
        'metric X has no top-level number',
      ],
    ]);
  });

  it('counts under the service dimension, and under the metric’s own dimensions beside it', () => {
    vi.useFakeTimers({ now: NOW });
    const { metrics, lines } = capture('recordings');

    metrics.count('RecordingCommands', 1, { command: 'start', outcome: 'started' });

    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: 'MiniVoice/Recordings',
              Dimensions: [['service'], ['service', 'command', 'outcome']],
              Metrics: [{ Name: 'RecordingCommands', Unit: 'Count' }],
            },
          ],
        },
        service: 'recordings',
        command: 'start',
        outcome: 'started',
        RecordingCommands: 1,
      },
    ]);
  });

  it('records durations in milliseconds, carrying the log context as plain properties', () => {
    vi.useFakeTimers({ now: NOW });
    const { metrics, lines } = capture('outbox-relay');

    withLogContext({ request_id: 'req-1' }, () => metrics.duration('OutboxLag', 1500));

    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        request_id: 'req-1',
        _aws: {
          Timestamp: NOW,
          CloudWatchMetrics: [
            {
              Namespace: 'MiniVoice/Recordings',
              Dimensions: [['service']],
              Metrics: [{ Name: 'OutboxLag', Unit: 'Milliseconds' }],
            },
          ],
        },
        service: 'outbox-relay',
        OutboxLag: 1500,
      },
    ]);
  });

  it('writes to stdout itself, never through the console the Lambda runtime replaces', () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const log = vi.spyOn(console, 'log');

    createEmfMetrics(METRICS_NAMESPACE, 'media-events').count('OrphanRecordings');

    expect([
      stdout.mock.calls.length,
      emfProblems(String(stdout.mock.calls[0]?.[0])),
      log.mock.calls.length,
    ]).toEqual([1, [], 0]);
  });
});
