import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingsStack, type RecordingsStackProps } from '../../infra/recordings-stack.ts';

const props: RecordingsStackProps = {
  stage: 'dev',
  env: { region: 'eu-west-1' },
  eslHost: 'freeswitch.internal',
  eslPort: 8021,
  recordingUrlTemplate: 'https://media.test/{recording_id}.wav',
  throttle: { rateLimit: 100, burstLimit: 200 },
};

/**
 * Builds the stack without bundling (bundling is covered by the `npm run synth` test). cdk-nag runs only
 * where a test asks for it, so a nag finding fails that test rather than every test of the file.
 */
function build(overrides: Partial<RecordingsStackProps> = {}, options: { nag?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new RecordingsStack(app, 'test-stack', { ...props, ...overrides });
  return { app, stack };
}

/** Synthesizes the stack's template. */
function synth(overrides: Partial<RecordingsStackProps> = {}) {
  return { template: Template.fromStack(build(overrides).stack) };
}

let template: Template;
beforeAll(() => {
  ({ template } = synth());
});

/** The statements of the policy attached to the role of the function with this construct id. */
function statementsOf(functionId: string) {
  const policies = template.findResources('AWS::IAM::Policy');
  const entry = Object.entries(policies).find(([id]) => id.startsWith(`${functionId}FunctionServiceRole`));
  // Action order depends on feature flags; compare them sorted.
  return entry?.[1].Properties.PolicyDocument.Statement.map((statement: { Action: string | string[] }) => ({
    ...statement,
    Action: [statement.Action].flat().sort(),
  }));
}

/** The logical id of the function with this construct id. */
function functionId(name: string): string {
  const [id] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((key) =>
    key.startsWith(`${name}Function`),
  );
  if (!id) throw new Error(`no function ${name}`);
  return id;
}

describe('RecordingsStack table', () => {
  it('is on-demand with point-in-time recovery, TTL, the outbox/key index and a keys-only channel index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } }),
        Match.objectLike({
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ],
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
        }),
      ],
    });
  });

  it('is protected from deletion and retained in prod', () => {
    const prod = synth({ stage: 'prod' }).template;
    prod.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });
});

describe('RecordingsStack queues', () => {
  it('gives the webhook queue a visibility timeout of six sender timeouts and a DLQ after 24 attempts', () => {
    const dlq = Object.keys(
      template.findResources('AWS::SQS::Queue', { Properties: { MessageRetentionPeriod: 1_209_600 } }),
    )[0];
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 180,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 24 },
    });
  });

  it('refuses non-TLS access to every queue', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(4);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('RecordingsStack functions', () => {
  it('runs four Node.js 24 arm64 functions with JSON logs', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      },
    });
    expect(
      Object.keys(functions)
        .map((id) => id.replace(/Function[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(['MediaEvents', 'OutboxSweep', 'Recordings', 'WebhookSender']);
  });

  it('keeps each function log group for a month in dev', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 5);
  });

  it('gives the recordings function the ESL password only as a secret ARN', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ESL_HOST: 'freeswitch.internal',
          ESL_PASSWORD_SECRET_ARN: { Ref: Match.stringLikeRegexp('^EslPassword') },
          TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') },
          WEBHOOK_QUEUE_URL: { Ref: Match.stringLikeRegexp('^Webhooks') },
        }),
      },
      Timeout: 28,
    });
    const env = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables,
    );
    expect(env.some((variables) => 'ESL_PASSWORD' in variables)).toBe(false);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it('imports an existing ESL secret instead of creating one', () => {
    const imported = synth({
      eslPasswordSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:esl-AbCdEf',
    }).template;
    imported.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('feeds the webhook sender from the queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('WebhookSender') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('feeds the media-events function from its queue with partial batch failures, parking after 10 receives', () => {
    const queue = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) =>
      id.startsWith('MediaEventQueue'),
    );
    const dlq = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) =>
      id.startsWith('MediaEventDeadLetters'),
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('MediaEvents') },
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 10 },
    });
  });

  it('runs the outbox sweep every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId('OutboxSweep'), 'Arn'] } })],
    });
  });
});

describe('RecordingsStack permissions', () => {
  it('lets the recordings function touch only its table items, send to the queue and read its secret', () => {
    expect(statementsOf('Recordings')).toEqual([
      {
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        Effect: 'Allow',
        Resource: expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] }),
      },
      {
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Webhooks[0-9A-F]/), 'Arn'] },
      },
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: { Ref: expect.stringMatching(/^EslPassword/) },
      },
    ]);
  });

  it('lets the webhook sender read applications, acknowledge outbox events, write delivery records and consume the queue', () => {
    expect(statementsOf('WebhookSender')).toEqual([
      {
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: expect.anything(),
      },
      {
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Webhooks[0-9A-F]/), 'Arn'] },
      },
    ]);
  });

  it('lets the media-events function read calls (by channel too), commit recordings, send webhooks and read its secret', () => {
    expect(statementsOf('MediaEvents')).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] }, '/index/gsi2']] },
        ],
      },
      {
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Webhooks[0-9A-F]/), 'Arn'] },
      },
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: { Ref: expect.stringMatching(/^EslPassword/) },
      },
      {
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MediaEventQueue/), 'Arn'] },
      },
    ]);
  });

  it('lets the media relay only send to the media-events queue', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MediaEventQueue/), 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^MediaRelayPolicy') }],
    });
  });

  it('lets the sweep query the outbox index, delete outbox items and send to the queue', () => {
    expect(statementsOf('OutboxSweep')).toEqual([
      {
        Action: ['dynamodb:DeleteItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] }, '/index/gsi1']] },
        ],
      },
      {
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Effect: 'Allow',
        Resource: expect.anything(),
      },
    ]);
  });
});

describe('RecordingsStack API', () => {
  it('routes POST /v1/calls/{id}/recordings and every other request to the recordings function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /v1/calls/{id}/recordings',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionId('Recordings'), 'Arn'] },
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });
});

describe('RecordingsStack operations', () => {
  it('alarms on 5xx rate, dead letters, old messages, orphans and each function errors and throttles', () => {
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) =>
      id.replace(/[0-9A-F]{8}$/, ''),
    );
    expect(alarms.sort()).toEqual(
      [
        'AlarmsApi5xxRate',
        'AlarmsDeadLetters',
        'AlarmsOldestWebhookAge',
        'AlarmsRecordingsErrors',
        'AlarmsRecordingsThrottles',
        'AlarmsWebhookSenderErrors',
        'AlarmsWebhookSenderThrottles',
        'AlarmsOutboxSweepErrors',
        'AlarmsOutboxSweepThrottles',
        'AlarmsMediaEventsErrors',
        'AlarmsMediaEventsThrottles',
        'AlarmsMediaEventDeadLetters',
        'AlarmsOldestMediaEventAge',
        'AlarmsOrphanRecordings',
      ].sort(),
    );
  });

  it('alarms on any orphan recording the media-events function stopped', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'MiniVoice/Recordings',
      MetricName: 'OrphanRecordings',
      Dimensions: [{ Name: 'service', Value: 'media-events' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms as soon as one message is in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it('outputs the API URL and the queue names', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs.sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'EslPasswordSecretArn',
        'MediaEventsQueueUrl',
        'MediaRelayPolicyArn',
        'MediaRelayRoleArn',
        'TableName',
        'WebhookDeadLetterQueueName',
        'WebhookDeadLetterQueueUrl',
        'WebhookQueueName',
        'WebhookQueueUrl',
      ].sort(),
    );
  });

  it('acknowledges exactly the reviewed cdk-nag findings, each with a reason', () => {
    const { stack } = build();
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) =>
            Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => [
              construct.node.path,
              rule,
              reason.length > 40,
            ]),
          ),
      );

    expect(acknowledged.sort()).toEqual(
      [
        [
          'test-stack',
          'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          true,
        ],
        ['test-stack/AlarmTopic', 'Annotation::AwsSolutions-SNS2', true],
        ['test-stack/Api', 'Annotation::AwsSolutions-APIG4', true],
        ['test-stack/EslPassword', 'Annotation::AwsSolutions-SMG4', true],
        ['test-stack/MediaEventDeadLetters', 'Annotation::AwsSolutions-SQS3', true],
        ['test-stack/WebhookDeadLetters', 'Annotation::AwsSolutions-SQS3', true],
      ].sort(),
    );
  });

  it('passes the cdk-nag AwsSolutions checks with only the reviewed acknowledgements', () => {
    const { app } = build({}, { nag: true });
    expect(() => app.synth()).not.toThrow();
  });
});
