import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNBOOK_PATH } from '../../infra/constructs/operations-alarms.ts';
import { functionOf, resourceOf, synth } from './stack-template.ts';

const ROOT = join(import.meta.dirname, '../..');
const FUNCTIONS = ['Recordings', 'MediaEvents', 'OutboxRelay', 'WebhookSender', 'RetentionSweep'];

let template: Template;
beforeAll(() => {
  template = synth();
});

/** Every alarm of the template: its name (construct id) and description. */
function alarmsOf(source: Template): { name: string; description: string }[] {
  return Object.entries(source.findResources('AWS::CloudWatch::Alarm')).map(([id, alarm]) => ({
    name: id.replace(/^Alarms/, '').replace(/[0-9A-F]{8}$/, ''),
    description: String(alarm.Properties.AlarmDescription),
  }));
}

/** The anchors of the runbook's sections, as GitHub makes them from `## Heading`. */
function runbookAnchors(): string[] {
  return [...readFileSync(join(ROOT, RUNBOOK_PATH), 'utf8').matchAll(/^## (.+)$/gm)].map(([, heading]) =>
    String(heading)
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .replace(/ /g, '-'),
  );
}

/** The dashboard's body, its references written as `<Ref:Id>` / `<Id.Attribute>`, parsed. */
function dashboardBody(source: Template) {
  const [, dashboard] = resourceOf(source, 'AWS::CloudWatch::Dashboard', /^Dashboard/);
  const { DashboardBody, DashboardName } = dashboard.Properties as {
    DashboardBody: { 'Fn::Join': [string, unknown[]] };
    DashboardName: string;
  };
  const text = DashboardBody['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const token = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return token.Ref ? `<Ref:${token.Ref}>` : `<${token['Fn::GetAtt']?.join('.')}>`;
    })
    .join('');
  type Widget = {
    type: string;
    width: number;
    properties: { title?: string; alarms?: string[]; metrics?: unknown[][] };
  };
  return { name: DashboardName, body: JSON.parse(text) as { widgets: Widget[] } };
}

/** Every metric name a graph of the dashboard shows (plain metrics, and the targets of SEARCH expressions). */
function dashboardMetricNames(source: Template): string[] {
  const names = dashboardBody(source).body.widgets.flatMap((widget) =>
    (widget.properties.metrics ?? []).flatMap((metric) => {
      const options = metric.at(-1) as { expression?: string } | undefined;
      const search = options?.expression && /MetricName="(\w+)"/.exec(options.expression);
      if (search) return [search[1] as string];
      return typeof metric[1] === 'string' && metric[1] !== '.' ? [metric[1]] : [];
    }),
  );
  return [...new Set(names)].sort();
}

/** The source files of a directory, recursively. */
function sourcesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('RecordingsStack tracing', () => {
  it('traces every function actively with X-Ray', () => {
    expect(FUNCTIONS.map((name) => functionOf(template, name).TracingConfig)).toEqual(
      FUNCTIONS.map(() => ({ Mode: 'Active' })),
    );
  });

  it('traces the REST API stage, so a request’s trace starts at the gateway', () => {
    const [, stage] = resourceOf(template, 'AWS::ApiGateway::Stage', /^ApiDeploymentStage/);

    expect(stage.Properties.TracingEnabled).toBe(true);
  });
});

describe('RecordingsStack runbook links', () => {
  it('ends every alarm’s description with a link to its own section of docs/runbook.md', () => {
    const alarms = alarmsOf(template);

    expect(
      alarms.filter(
        ({ name, description }) => !description.endsWith(` Runbook: docs/runbook.md#${name.toLowerCase()}`),
      ),
    ).toEqual([]);
  });

  it('has a runbook section for every alarm, and none for an alarm the stack does not have', () => {
    const alarms = alarmsOf(template).map(({ name }) => name.toLowerCase());

    expect([...new Set(runbookAnchors())].filter((anchor) => anchor !== 'before-you-start').sort()).toEqual(
      alarms.sort(),
    );
  });

  it('links the published runbook when the stack is given its URL', () => {
    const published = synth({ runbookUrl: 'https://git.example.com/minivoice/blob/main/docs/runbook.md' });

    expect(
      alarmsOf(published).filter(
        ({ name, description }) =>
          !description.endsWith(
            ` Runbook: https://git.example.com/minivoice/blob/main/docs/runbook.md#${name.toLowerCase()}`,
          ),
      ),
    ).toEqual([]);
  });

  it('keeps every description within CloudWatch’s 1024 characters', () => {
    expect(alarmsOf(template).filter(({ description }) => description.length > 1024)).toEqual([]);
  });

  it('alarms when more than 5 media-server commands fail in 5 minutes, in the API or the media events', () => {
    const [, alarm] = resourceOf(template, 'AWS::CloudWatch::Alarm', /^AlarmsMediaServerErrors/);
    const metric = (id: string, service: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'MiniVoice/Recordings',
          MetricName: 'MediaServerErrors',
          Dimensions: [{ Name: 'service', Value: service }],
        },
        Period: 300,
        Stat: 'Sum',
      },
      ReturnData: false,
    });

    expect([alarm.Properties.Threshold, alarm.Properties.Metrics]).toEqual([
      5,
      [
        {
          Id: 'expr_1',
          Expression: 'recordings + mediaEvents',
          Label: 'Media-server command failures',
          ReturnData: true,
        },
        metric('recordings', 'recordings'),
        metric('mediaEvents', 'media-events'),
      ],
    ]);
  });
});

describe('RecordingsStack dashboard', () => {
  it('is one dashboard per stage, the alarms’ states first', () => {
    const { name, body } = dashboardBody(template);
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));

    expect([name, body.widgets[1]?.type, body.widgets[1]?.properties.alarms?.sort()]).toEqual([
      'minivoice-recordings-dev',
      'alarm',
      alarms.map((id) => `<${id}.Arn>`).sort(),
    ]);
  });

  it('graphs the API, the functions, the queues, the outbox and the service’s own metrics', () => {
    expect(
      dashboardBody(template)
        .body.widgets.map((widget) => widget.properties.title)
        .filter(Boolean),
    ).toEqual([
      'Alarms',
      'API requests, 4xx and 5xx',
      'API latency (ms)',
      'Recording commands by outcome',
      'Media servers: latency by operation (ms, p99) and failures',
      'Media events: orphans, storage failures, uploads retrying, hangup completions',
      'Consumed queues: depth, and oldest message (s)',
      'Webhook attempts by outcome; parked events, disabled endpoints, secret problems',
      'Webhook latency and delivery age (ms)',
      'Outbox: stream iterator age and relay lag (ms)',
      'Dead-letter queues (messages)',
      'Function errors',
      'Function duration p99 (ms)',
      'Function throttles',
      'Function concurrency',
    ]);
    expect(dashboardMetricNames(template)).toEqual(
      [
        // API Gateway
        '4XXError',
        '5XXError',
        'Count',
        'IntegrationLatency',
        'Latency',
        // Lambda
        'ConcurrentExecutions',
        'Duration',
        'Errors',
        'IteratorAge',
        'Throttles',
        // SQS
        'ApproximateAgeOfOldestMessage',
        'ApproximateNumberOfMessagesVisible',
        // ours
        'HangupCompletions',
        'MediaServerErrors',
        'MediaServerLatency',
        'OrphanAudioRemoved',
        'OrphanRecordings',
        'OutboxEventsRelayed',
        'OutboxLag',
        'PurgeFailures',
        'RecordingCommands',
        'StorageFailures',
        'UploadsRetrying',
        'WebhookAttempts',
        'WebhookDeliveryAge',
        'WebhookEndpointsDisabled',
        'WebhookEventsParked',
        'WebhookLatency',
        'WebhookSecretsUnreadable',
        'WebhookSecretsUnsealed',
      ].sort(),
    );
  });

  it('shows each function’s errors, duration, throttles and concurrency', () => {
    const functionIds = FUNCTIONS.map(
      (name) => resourceOf(template, 'AWS::Lambda::Function', new RegExp(`^${name}Function[0-9A-F]{8}$`))[0],
    );
    const graphed = (title: string) =>
      dashboardBody(template)
        .body.widgets.find((widget) => widget.properties.title === title)
        ?.properties.metrics?.map((metric) => [metric[1], metric[3]]);

    expect(
      ['Function errors', 'Function duration p99 (ms)', 'Function throttles', 'Function concurrency'].map(
        graphed,
      ),
    ).toEqual([
      functionIds.map((id) => ['Errors', `<Ref:${id}>`]),
      functionIds.map((id) => ['Duration', `<Ref:${id}>`]),
      functionIds.map((id) => ['Throttles', `<Ref:${id}>`]),
      functionIds.map((id) => ['ConcurrentExecutions', `<Ref:${id}>`]),
    ]);
  });

  it('shows every metric the service emits (a new one cannot be left off)', () => {
    const emitted = sourcesUnder(join(ROOT, 'shared'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/metrics\.(?:count|duration)\(\s*'(\w+)'/g)])
      .map(([, name]) => name as string);

    expect([...new Set(emitted)].filter((name) => !dashboardMetricNames(template).includes(name))).toEqual(
      [],
    );
  });
});
