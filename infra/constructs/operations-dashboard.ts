import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import { RUNBOOK_PATH } from './operations-alarms.ts';

/** What the dashboard shows. */
export interface OperationsDashboardProps {
  /** The dashboard's name (unique in the account and region). */
  name: string;
  /** The REST API's stage: requests, 4xx, 5xx, latency (the gateway's own answers included). */
  apiStage: Stage;
  /** Every function, by the name the dashboard shows. */
  functions: Record<string, NodejsFunction>;
  /** The function the table's stream feeds (its iterator age). */
  outboxRelay: NodejsFunction;
  /** The queues functions consume, by name: depth and the oldest message's age. */
  queues: Record<string, Queue>;
  /** The dead-letter queues, by name: anything in them needs an operator. */
  deadLetterQueues: Record<string, Queue>;
  /** The alarms, shown first with their state. */
  alarms: Alarm[];
}

const PERIOD = Duration.minutes(5);
const WIDE = 24;
const HALF = 12;
const THIRD = 8;
const QUARTER = 6;
const HEIGHT = 6;

/** One of the service's own metrics (EMF, namespace MiniVoice/Recordings), all services summed. */
const own = (metricName: string, service: string, statistic = 'Sum', label?: string) =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    period: PERIOD,
    statistic,
    ...(label ? { label } : {}),
  });

/**
 * Every series of one of our metrics by its own dimensions (a CloudWatch SEARCH: the values, such as
 * each outcome, are whatever the functions emitted), labelled by those dimensions' values.
 */
const breakdown = (metricName: string, dimensions: string[], statistic: string) =>
  new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},service,${dimensions.join(',')}} MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label: dimensions.map((dimension) => `\${PROP('Dim.${dimension}')}`).join(' '),
    period: PERIOD,
  });

const graph = (title: string, left: IMetric[], width: number, right: IMetric[] = []) =>
  new GraphWidget({ title, left, right, width, height: HEIGHT, period: PERIOD });

/**
 * The service on one page, for the on-call engineer: the alarms' states; the API (requests, 4xx, 5xx,
 * latency); recording commands by outcome and the media servers' latency and failures; media events
 * (orphans, storage failures, relays retrying uploads, hangup completions) and their queue; webhook attempts by outcome,
 * latency, delivery age, parked events and their queue; the outbox (stream iterator age, relay lag);
 * every dead-letter queue; and each function's errors, duration, throttles and concurrency.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { apiStage } = props;
    const perFunction = (metric: (fn: NodejsFunction) => IMetric) =>
      Object.entries(props.functions).map(([name, fn]) =>
        (metric(fn) as Metric).with({ label: name, period: PERIOD }),
      );
    const queueDepthAndAge = (queues: Record<string, Queue>) => ({
      depth: Object.entries(queues).map(([name, queue]) =>
        queue.metricApproximateNumberOfMessagesVisible({
          label: `${name} visible`,
          period: PERIOD,
          statistic: 'Maximum',
        }),
      ),
      age: Object.entries(queues).map(([name, queue]) =>
        queue.metricApproximateAgeOfOldestMessage({
          label: `${name} oldest (s)`,
          period: PERIOD,
          statistic: 'Maximum',
        }),
      ),
    });
    const consumed = queueDepthAndAge(props.queues);

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown: [
            '# MiniVoice Recordings',
            `Every alarm links its section of the runbook (\`${RUNBOOK_PATH}\`); every log line carries \`request_id\` (and \`api_request_id\`, \`call_id\`, \`recording_id\`, \`event_id\` where they exist): filter on them in Logs Insights. Metrics of our own: namespace \`${METRICS_NAMESPACE}\` (docs/observability.md).`,
          ].join('\n\n'),
          width: WIDE,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: WIDE, height: 4 })],
      [
        graph(
          'API requests, 4xx and 5xx',
          [apiStage.metricCount({ label: 'requests', period: PERIOD, statistic: 'Sum' })],
          HALF,
          [
            apiStage.metricClientError({ label: '4xx', period: PERIOD, statistic: 'Sum' }),
            apiStage.metricServerError({ label: '5xx', period: PERIOD, statistic: 'Sum' }),
          ],
        ),
        graph(
          'API latency (ms)',
          [
            apiStage.metricLatency({ label: 'p50', period: PERIOD, statistic: 'p50' }),
            apiStage.metricLatency({ label: 'p99', period: PERIOD, statistic: 'p99' }),
            apiStage.metricIntegrationLatency({ label: 'function p99', period: PERIOD, statistic: 'p99' }),
          ],
          HALF,
        ),
      ],
      [
        graph(
          'Recording commands by outcome',
          [breakdown('RecordingCommands', ['command', 'outcome'], 'Sum')],
          HALF,
        ),
        graph(
          'Media servers: latency by operation (ms, p99) and failures',
          [breakdown('MediaServerLatency', ['operation'], 'p99')],
          HALF,
          [breakdown('MediaServerErrors', ['operation', 'reason'], 'Sum')],
        ),
      ],
      [
        graph(
          'Media events: orphans, storage failures, uploads retrying, hangup completions',
          [
            own('OrphanRecordings', 'media-events', 'Sum', 'orphan recordings stopped'),
            own('OrphanAudioRemoved', 'media-events', 'Sum', 'orphan audio removed'),
            own('StorageFailures', 'media-events', 'Sum', 'storage failures'),
            own('UploadsRetrying', 'media-events', 'Sum', 'relay summaries: uploads retrying'),
            own('HangupCompletions', 'media-events', 'Sum', 'completed by hangup'),
            own('PurgeFailures', 'retention-sweep', 'Sum', 'purge failures'),
          ],
          HALF,
        ),
        graph('Consumed queues: depth, and oldest message (s)', consumed.depth, HALF, consumed.age),
      ],
      [
        graph(
          'Webhook attempts by outcome; parked events, disabled endpoints, secret problems',
          [breakdown('WebhookAttempts', ['outcome'], 'Sum')],
          THIRD,
          [
            own('WebhookEventsParked', 'webhook-sender', 'Sum', 'parked'),
            own('WebhookEndpointsDisabled', 'webhook-sender', 'Sum', 'endpoints disabled'),
            own('WebhookSecretsUnsealed', 'webhook-sender', 'Sum', 'secrets in plaintext'),
            own('WebhookSecretsUnreadable', 'webhook-sender', 'Sum', 'secrets unreadable'),
          ],
        ),
        graph(
          'Webhook latency and delivery age (ms)',
          [
            own('WebhookLatency', 'webhook-sender', 'p50', 'receiver answer p50'),
            own('WebhookLatency', 'webhook-sender', 'p99', 'receiver answer p99'),
          ],
          THIRD,
          [own('WebhookDeliveryAge', 'webhook-sender', 'p99', 'event to delivery p99')],
        ),
        graph(
          'Outbox: stream iterator age and relay lag (ms)',
          [
            props.outboxRelay.metric('IteratorAge', {
              label: 'iterator age max',
              period: PERIOD,
              statistic: 'Maximum',
            }),
            own('OutboxLag', 'outbox-relay', 'Maximum', 'relay lag max'),
          ],
          THIRD,
          [own('OutboxEventsRelayed', 'outbox-relay', 'Sum', 'events relayed')],
        ),
      ],
      [
        graph(
          'Dead-letter queues (messages)',
          Object.entries(props.deadLetterQueues).map(([name, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({
              label: name,
              period: PERIOD,
              statistic: 'Maximum',
            }),
          ),
          WIDE,
        ),
      ],
      [
        graph(
          'Function errors',
          perFunction((fn) => fn.metricErrors({ statistic: 'Sum' })),
          QUARTER,
        ),
        graph(
          'Function duration p99 (ms)',
          perFunction((fn) => fn.metricDuration({ statistic: 'p99' })),
          QUARTER,
        ),
        graph(
          'Function throttles',
          perFunction((fn) => fn.metricThrottles({ statistic: 'Sum' })),
          QUARTER,
        ),
        graph(
          'Function concurrency',
          perFunction((fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum' })),
          QUARTER,
        ),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.name,
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });
  }
}
