import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';

/** The runbook's path in the repository: alarm descriptions link its sections when no URL is given. */
export const RUNBOOK_PATH = 'docs/runbook.md';

/**
 * The link an alarm's description ends with: its section of the runbook, whose heading is the alarm's
 * name (the construct id), so the anchor is the name in lower case (as GitHub and most renderers make
 * it).
 */
function runbookLink(alarmName: string, runbookUrl: string = RUNBOOK_PATH): string {
  return `${runbookUrl}#${alarmName.toLowerCase()}`;
}

/** What each function's failed invocations mean, for its Errors alarm. */
const FAILED_INVOCATIONS: Record<string, string> = {
  Recordings:
    'The recordings function crashed or timed out (an error of ours is answered, not thrown): those clients got 502 or 504 from the gateway.',
  MediaEvents:
    'Media-event batches failed as a whole (each record is handled on its own, so this is a crash or a timeout): the queue redelivers them; recordings may stay started meanwhile.',
  WebhookSender:
    'Webhook batches failed as a whole (a crash or a timeout): the queue redelivers them; deliveries are late meanwhile.',
  OutboxRelay:
    'The outbox relay failed stream batches: Lambda retries and bisects them, webhook events wait meanwhile.',
  RetentionSweep: 'A retention sweep run failed: recordings past retention are purged by a later run.',
};

/** What the alarms watch and where they notify. */
export interface OperationsAlarmsProps {
  /** The REST API's stage: its 5XXError and Count metrics (every answer, the gateway's own included). */
  apiStage: Stage;
  functions: Record<string, NodejsFunction>;
  /** The function the table's stream feeds, and the queue its event source gives up to. */
  outboxRelay: NodejsFunction;
  outboxDeadLetters: Queue;
  queue: Queue;
  deadLetterQueue: Queue;
  mediaEvents: Queue;
  mediaEventDeadLetters: Queue;
  topic: Topic;
  /** Where the runbook is published (https); absent: descriptions name docs/runbook.md. */
  runbookUrl?: string;
}

/**
 * The alarms an on-call person needs: API 5xx rate, anything in any DLQ, old messages in the webhook
 * and media-events queues, an outbox relay falling behind the table's stream, orphan recordings,
 * recordings whose audio was not stored, a media relay whose uploads keep failing, failed purges, disabled webhook endpoints, webhook secrets
 * still in plaintext or that cannot be decrypted, media-server failures, and errors or throttles of each
 * function. All notify the alarm topic; each description says what it means and links its runbook
 * section (docs/runbook.md, one section per alarm, headed by the alarm's name).
 */
export class OperationsAlarms extends Construct {
  /** Every alarm, for the dashboard's alarm status widget. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const notify = new SnsAction(props.topic);
    const period = Duration.minutes(5);

    const serverErrorRate = new MathExpression({
      expression: 'IF(requests > 20, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.apiStage.metricServerError({ period, statistic: 'Sum' }),
        requests: props.apiStage.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: 'API 5xx rate (%)',
    });
    // Every alarm fires when its metric goes above the threshold in one period; no data is fine.
    const { alarms } = this;
    const above = (id: string, description: string, metric: IMetric, threshold: number) =>
      alarms.push(
        new Alarm(this, id, {
          alarmDescription: `${description} Runbook: ${runbookLink(id, props.runbookUrl)}`,
          metric,
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );

    above(
      'Api5xxRate',
      'More than 5% of API requests answered 5xx over 5 minutes (with at least 20 requests).',
      serverErrorRate,
      5,
    );
    above(
      'DeadLetters',
      'Webhook messages reached the dead-letter queue: not webhook messages at all, or their handling crashed repeatedly. Inspect them (npm run admin -- dlq-list) and replay or drop them.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
    );
    above(
      'OldestWebhookAge',
      'A webhook event has waited over 3 hours: a receiver is failing for long, or the sender is stuck.',
      props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      3 * 3600,
    );
    above(
      'OutboxRelayIteratorAge',
      'The outbox relay is over 5 minutes behind the table stream: webhook events are waiting. Check the outbox-relay logs and the webhook queue.',
      props.outboxRelay.metric('IteratorAge', { period, statistic: 'Maximum' }),
      5 * 60 * 1000, // IteratorAge is in milliseconds
    );
    above(
      'OutboxDeadLetters',
      "The outbox relay gave up on stream records: their webhook events were not queued. Each message names the failed batch (shard, sequence numbers, when its records arrived); once the cause is fixed, `npm run admin -- outbox-replay --from-dlq` queues that window's events again from the table (outbox items are kept 7 days).",
      props.outboxDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
    );
    above(
      'MediaEventDeadLetters',
      'Media events could not be applied and were parked: recordings may stay started. Inspect and redrive them.',
      props.mediaEventDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
    );
    above(
      'OldestMediaEventAge',
      'A media event has waited over 5 minutes: the media-events function is failing or stuck; hangups are not completing recordings.',
      props.mediaEvents.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
      300,
    );
    // Counts our functions emit as EMF lines (namespace and `service` dimension of createEmfMetrics).
    const count = (metricName: string, service: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        period,
        statistic: 'Sum',
      });
    above(
      'OrphanRecordings',
      'FreeSWITCH recorded audio that no recording owns; it was stopped. Find the cause in the media-events logs ("orphan recording stopped").',
      count('OrphanRecordings', 'media-events'),
      0,
    );
    above(
      'StorageFailures',
      'A recording ended failed (storage_failed): its audio is not in the recordings bucket. Check the media relay on the media server and the media-events logs.',
      count('StorageFailures', 'media-events'),
      0,
    );
    above(
      'UploadsRetrying',
      'A media relay has failed for minutes to store recordings in the recordings bucket (its uploads_retrying summary): recordings ended by hangup stay started until their audio is stored, and fail with storage_failed if it never is (after the relay\'s UPLOAD_GIVE_UP_MS, 24 h). The media-events logs name the node and the last error ("a media relay keeps failing to store recordings"); check the relay role\'s s3:PutObject and kms:GenerateDataKey, the bucket and its KMS key.',
      count('UploadsRetrying', 'media-events'),
      0,
    );
    above(
      'PurgeFailures',
      'The retention sweep could not delete a recording object or commit its purge. Check the retention-sweep logs.',
      count('PurgeFailures', 'retention-sweep'),
      0,
    );
    above(
      'WebhookEndpointsDisabled',
      'A customer\'s webhook endpoint failed for days and was disabled: its events are parked until the webhook is set again. Check the webhook-sender logs ("webhook endpoint disabled").',
      count('WebhookEndpointsDisabled', 'webhook-sender'),
      0,
    );
    above(
      'WebhookSecretsUnsealed',
      'The webhook sender met a webhook secret stored in plaintext (written before secrets were sealed with KMS): it does not sign with it, and that application\'s events wait and are retried until it is sealed. Run `npm run admin -- seal-webhook-secrets` (again until changed_meanwhile is empty); the webhook-sender logs name the application ("webhook secret stored in plaintext").',
      count('WebhookSecretsUnsealed', 'webhook-sender'),
      0,
    );
    above(
      'WebhookSecretsUnreadable',
      'The webhook sender could not decrypt an application\'s webhook secret (wrong key, key disabled or pending deletion, or a damaged value): its events are parked. Find the application in the webhook-sender logs ("webhook secret cannot be decrypted"), check the webhook secrets key (output WebhookSecretsKeyArn) is enabled, then set a new secret: `npm run admin -- set-webhook --application ID --url URL --generate-secret` (requeues the parked events; give the customer the new secret).',
      count('WebhookSecretsUnreadable', 'webhook-sender'),
      0,
    );
    above(
      'MediaServerErrors',
      'More than 5 start or stop commands failed on the media servers in 5 minutes (unreachable, refused or unanswered): recordings are failing with 502. Check which node and why in the recordings logs ("answered with a server error").',
      new MathExpression({
        expression: 'recordings + mediaEvents',
        usingMetrics: {
          recordings: count('MediaServerErrors', 'recordings'),
          mediaEvents: count('MediaServerErrors', 'media-events'),
        },
        period,
        label: 'Media-server command failures',
      }),
      5,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      above(
        `${name}Errors`,
        FAILED_INVOCATIONS[name] ?? `The ${name} function failed invocations.`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        0,
      );
      above(
        `${name}Throttles`,
        `The ${name} function was throttled: Lambda refused invocations for lack of concurrency.`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        0,
      );
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
