import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** What the alarms watch and where they notify. */
export interface OperationsAlarmsProps {
  api: HttpApi;
  functions: Record<string, NodejsFunction>;
  queue: Queue;
  deadLetterQueue: Queue;
  topic: Topic;
}

/**
 * The alarms an on-call person needs: API 5xx rate, anything in the DLQ, old messages in the webhook
 * queue, and errors or throttles of each function. All notify the alarm topic.
 */
export class OperationsAlarms extends Construct {
  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const notify = new SnsAction(props.topic);
    const period = Duration.minutes(5);

    const serverErrorRate = new MathExpression({
      expression: 'IF(requests > 20, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.api.metricServerError({ period, statistic: 'Sum' }),
        requests: props.api.metricCount({ period, statistic: 'Sum' }),
      },
      period,
      label: 'API 5xx rate (%)',
    });
    const alarms = [
      new Alarm(this, 'Api5xxRate', {
        alarmDescription:
          'More than 5% of API requests answered 5xx over 5 minutes (with at least 20 requests).',
        metric: serverErrorRate,
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'DeadLetters', {
        alarmDescription: 'Webhook events were parked in the dead-letter queue: inspect and replay them.',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'OldestWebhookAge', {
        alarmDescription:
          'A webhook event has waited over 3 hours: a receiver is failing for long, or the sender is stuck.',
        metric: props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        threshold: 3 * 3600,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const [name, fn] of Object.entries(props.functions)) {
      alarms.push(
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `The ${name} function failed invocations.`,
          metric: fn.metricErrors({ period, statistic: 'Sum' }),
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        new Alarm(this, `${name}Throttles`, {
          alarmDescription: `The ${name} function was throttled.`,
          metric: fn.metricThrottles({ period, statistic: 'Sum' }),
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
