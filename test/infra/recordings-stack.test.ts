import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_STREAM_FILTER } from '../../shared/adapters/dynamodb/outbox-stream.ts';
import { createTableInput } from '../../shared/adapters/dynamodb/table-schema.ts';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import {
  DEFAULT_RETRY_POLICY,
  WEBHOOK_QUEUE_RETENTION_SECONDS,
  worstCaseRetrySpanSeconds,
} from '../../shared/webhooks/retry-policy.ts';
import { build, PROD_CONTEXT, resourceOf as resourceIn, synth } from './stack-template.ts';

let template: Template;
let prod: Template;
beforeAll(() => {
  template = synth();
  prod = synth(PROD_CONTEXT);
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

/** The logical id and resource of the one resource of this type whose logical id matches. */
function resourceOf(type: string, logicalId: RegExp, source: Template = template) {
  return resourceIn(source, type, logicalId);
}

const RECORDINGS_BUCKET = /^RecordingsBucket[0-9A-F]{8}$/;
const ACCESS_LOG_BUCKET = /^RecordingsBucketAccessLogs[0-9A-F]{8}$/;

/** `<recordings bucket ARN>/recordings/*`, as CloudFormation renders it. */
function recordingObjects() {
  const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);
  return { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/recordings/*']] };
}

/** The ARN of the recordings key, as CloudFormation renders it. */
function recordingsKeyArn() {
  const [key] = resourceOf('AWS::KMS::Key', /^RecordingsKey/);
  return { 'Fn::GetAtt': [key, 'Arn'] };
}

/** Every Allow statement of every identity policy (function roles and the relay's managed policy). */
function identityStatements() {
  return ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
    Object.entries(template.findResources(type)).flatMap(([id, policy]) =>
      policy.Properties.PolicyDocument.Statement.filter(
        (statement: { Effect: string }) => statement.Effect === 'Allow',
      ).map((statement: { Action: string | string[] }) => ({
        policy: id,
        actions: [statement.Action].flat(),
      })),
    ),
  );
}

/** The environment variables of the function with this construct id. */
function environmentOf(name: string): Record<string, unknown> {
  const [, fn] = resourceOf('AWS::Lambda::Function', new RegExp(`^${name}Function[0-9A-F]{8}$`));
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The logical id of the function with this construct id. */
function functionId(name: string): string {
  const [id] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((key) =>
    key.startsWith(`${name}Function`),
  );
  if (!id) throw new Error(`no function ${name}`);
  return id;
}

/** The logical id and resource of the queue with this construct id. */
function queueOf(name: string) {
  return resourceOf('AWS::SQS::Queue', new RegExp(`^${name}[0-9A-F]{8}$`));
}

/** `Fn::GetAtt` of the ARN of the queue with this construct id. */
function queueArn(name: string) {
  return { 'Fn::GetAtt': [queueOf(name)[0], 'Arn'] };
}

/** X-Ray active tracing's two write actions, which take no resource: first on every function's role. */
const TRACING = {
  Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
  Effect: 'Allow',
  Resource: '*',
};

/** The table's ARN, and with an index name that index's ARN, as CloudFormation renders them. */
function tableArn(index?: string) {
  const arn = { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] };
  return index ? { 'Fn::Join': ['', [arn, `/index/${index}`]] } : arn;
}

/** The condition limiting a statement to items whose partition key matches one of these patterns. */
function leadingKeys(...patterns: string[]) {
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } };
}

/** The retry policy the webhook sender runs with: its environment over the defaults (as its config does). */
function senderRetryPolicy() {
  const env = environmentOf('WebhookSender');
  const setting = (name: string, fallback: number) => (name in env ? Number(env[name]) : fallback);
  return {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: setting('WEBHOOK_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts),
    baseDelaySeconds: setting('WEBHOOK_RETRY_BASE_SECONDS', DEFAULT_RETRY_POLICY.baseDelaySeconds),
    maxDelaySeconds: setting('WEBHOOK_RETRY_MAX_DELAY_SECONDS', DEFAULT_RETRY_POLICY.maxDelaySeconds),
  };
}

describe('RecordingsStack table', () => {
  it('is on-demand with point-in-time recovery, TTL, the key, purge and delivery index and a keys-only channel index', () => {
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

  it("streams the new image of every item, as the emulators' table does", () => {
    const [, table] = resourceOf('AWS::DynamoDB::GlobalTable', /^Table/);

    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(createTableInput('local').StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_IMAGE',
    });
  });

  it('is protected from deletion and retained in prod', () => {
    prod.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });
});

describe('RecordingsStack recording storage', () => {
  it('keeps recordings private, encrypted with the customer key and a bucket key, unversioned, aborting stale uploads and logging access', () => {
    const [key] = resourceOf('AWS::KMS::Key', /^RecordingsKey/);
    const [logs] = resourceOf('AWS::S3::Bucket', ACCESS_LOG_BUCKET);
    const [, bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);

    expect(bucket.Properties).toEqual({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] },
            },
          },
        ],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'abort-incomplete-uploads',
            Status: 'Enabled',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'recordings-bucket/' },
    });
    expect(bucket.Properties).not.toHaveProperty('VersioningConfiguration');
  });

  it('refuses requests without TLS to the recordings bucket and allows no one anonymously', () => {
    const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);
    const [, policy] = resourceOf('AWS::S3::BucketPolicy', /^RecordingsBucketPolicy/);

    expect(policy.Properties).toEqual({
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 's3:*',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [
              { 'Fn::GetAtt': [bucket, 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
            ],
          },
        ],
      },
    });
  });

  it('allows no principal "*" in any bucket policy', () => {
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );

    const openAllows = statements.filter(
      (statement: { Effect: string; Principal: unknown }) =>
        statement.Effect === 'Allow' &&
        (statement.Principal === '*' || JSON.stringify(statement.Principal).includes('"*"')),
    );
    expect(statements.length).toBeGreaterThan(0);
    expect(openAllows).toEqual([]);
  });

  it('writes access logs to a private, S3-encrypted, TLS-only bucket that keeps them 90 days in dev', () => {
    const [source] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);
    const [logs, bucket] = resourceOf('AWS::S3::Bucket', ACCESS_LOG_BUCKET);
    const [, policy] = resourceOf('AWS::S3::BucketPolicy', /^RecordingsBucketAccessLogsPolicy/);

    expect(bucket.Properties).toEqual({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 90 }],
      },
    });
    expect(policy.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        {
          Action: 's3:PutObject',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logs, 'Arn'] }, '/recordings-bucket/*']] },
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [source, 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
      ],
    });
  });

  it('rotates the recordings key', () => {
    const [, key] = resourceOf('AWS::KMS::Key', /^RecordingsKey/);

    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('deletes the key and both buckets with a dev stack', () => {
    expect(resourceOf('AWS::KMS::Key', /^RecordingsKey/)[1].DeletionPolicy).toBe('Delete');
    expect(resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET)[1].DeletionPolicy).toBe('Delete');
    expect(resourceOf('AWS::S3::Bucket', ACCESS_LOG_BUCKET)[1].DeletionPolicy).toBe('Delete');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('retains the key and both buckets in prod and keeps access logs a year', () => {
    expect(resourceOf('AWS::KMS::Key', /^RecordingsKey/, prod)[1].DeletionPolicy).toBe('Retain');
    expect(resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET, prod)[1].DeletionPolicy).toBe('Retain');
    const [, logs] = resourceOf('AWS::S3::Bucket', ACCESS_LOG_BUCKET, prod);
    expect(logs.DeletionPolicy).toBe('Retain');
    expect(logs.Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'expire-access-logs', Status: 'Enabled', ExpirationInDays: 365 }],
    });
  });
});

describe('RecordingsStack queues', () => {
  it('gives the webhook queue a visibility timeout of six sender timeouts, 4 days of retention and a DLQ after 29 receives', () => {
    const [, queue] = queueOf('Webhooks');

    expect(queue.Properties).toEqual({
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 345_600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: queueArn('WebhookDeadLetters'), maxReceiveCount: 29 },
    });
  });

  it('keeps webhook messages exactly as long as the retry policy expects', () => {
    const [, queue] = queueOf('Webhooks');

    expect(queue.Properties.MessageRetentionPeriod).toBe(WEBHOOK_QUEUE_RETENTION_SECONDS);
  });

  it("fits the sender's worst-case retries, every jitter high and every Retry-After huge, within the webhook queue's retention", () => {
    const [, queue] = queueOf('Webhooks');

    const span = worstCaseRetrySpanSeconds(senderRetryPolicy());

    expect(span).toBeLessThan(queue.Properties.MessageRetentionPeriod as number);
  });

  it("moves a webhook message to the DLQ only after more receives than the sender's attempts", () => {
    const [, queue] = queueOf('Webhooks');
    const { maxReceiveCount } = queue.Properties.RedrivePolicy as { maxReceiveCount: number };

    expect(maxReceiveCount).toBeGreaterThan(senderRetryPolicy().maxAttempts);
  });

  it('keeps what the outbox relay gave up on 14 days in an encrypted queue', () => {
    const [, queue] = queueOf('OutboxDlq');

    expect(queue.Properties).toEqual({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
  });

  it('refuses non-TLS access to every queue', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(5);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('RecordingsStack functions', () => {
  it('runs five Node.js 24 arm64 functions with JSON logs', () => {
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
    ).toEqual(['MediaEvents', 'OutboxRelay', 'Recordings', 'RetentionSweep', 'WebhookSender']);
  });

  it('keeps every log group (five functions, API access logs, VPC flow logs) for a month in dev', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 7);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 7);
  });

  it('gives the recordings function the ESL password only as a secret ARN', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ESL_NODES: 'fs-a=freeswitch.internal:8021',
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
    });
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

  it('feeds the outbox relay only new outbox items of the table stream, oldest first, with partial batch failures, bisection, bounded retries and an on-failure queue', () => {
    const [, mapping] = resourceOf(
      'AWS::Lambda::EventSourceMapping',
      /^OutboxRelayFunctionDynamoDBEventSource/,
    );

    expect(mapping.Properties).toEqual({
      FunctionName: { Ref: functionId('OutboxRelay') },
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(OUTBOX_STREAM_FILTER) }] },
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 43_200,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: queueArn('OutboxDlq') } },
    });
  });

  it('gives up on a stream record while the stream still holds it (24 hours)', () => {
    const [, mapping] = resourceOf(
      'AWS::Lambda::EventSourceMapping',
      /^OutboxRelayFunctionDynamoDBEventSource/,
    );

    expect(mapping.Properties.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
  });

  it("relays one batch per stream shard at a time, so a call's events (separate items of one partition) stay in order", () => {
    const [, mapping] = resourceOf(
      'AWS::Lambda::EventSourceMapping',
      /^OutboxRelayFunctionDynamoDBEventSource/,
    );

    expect(mapping.Properties.ParallelizationFactor).toBe(1);
  });

  it('gives the outbox relay the webhook queue and nothing else, not even the table name', () => {
    expect(environmentOf('OutboxRelay')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      WEBHOOK_QUEUE_URL: { Ref: expect.stringMatching(/^Webhooks[0-9A-F]/) },
    });
  });

  it('runs the outbox relay on 256 MB for up to 30 s', () => {
    const [, fn] = resourceOf('AWS::Lambda::Function', /^OutboxRelayFunction[0-9A-F]{8}$/);

    expect(fn.Properties).toMatchObject({ Timeout: 30, MemorySize: 256 });
  });

  it('gives the webhook sender its queue, its DLQ, the retry settings and 5 days before disabling an endpoint', () => {
    expect(environmentOf('WebhookSender')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      TABLE_NAME: { Ref: expect.stringMatching(/^Table/) },
      WEBHOOK_QUEUE_URL: { Ref: expect.stringMatching(/^Webhooks[0-9A-F]/) },
      WEBHOOK_DLQ_URL: { Ref: expect.stringMatching(/^WebhookDeadLetters/) },
      WEBHOOK_TIMEOUT_MS: '10000',
      WEBHOOK_MAX_ATTEMPTS: '24',
      WEBHOOK_RETRY_BASE_SECONDS: '30',
      WEBHOOK_RETRY_MAX_DELAY_SECONDS: '7200',
      WEBHOOK_DISABLE_AFTER_DAYS: '5',
      WEBHOOK_SECRETS_KEY_ID: { 'Fn::GetAtt': [expect.stringMatching(/^WebhookSecretsKey/), 'Arn'] },
    });
  });

  it('runs the retention sweep every 10 minutes for up to 5 minutes, without retries', () => {
    const [, fn] = resourceOf('AWS::Lambda::Function', /^RetentionSweepFunction[0-9A-F]{8}$/);
    const [, rule] = resourceOf('AWS::Events::Rule', /^RetentionSweepSchedule/);

    expect(fn.Properties).toMatchObject({ Timeout: 300, MemorySize: 256 });
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionId('RetentionSweep'), 'Arn'] },
          Id: 'Target0',
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      ],
    });
  });

  it('gives the retention sweep its table and bucket and nothing else', () => {
    const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);

    expect(environmentOf('RetentionSweep')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      TABLE_NAME: { Ref: expect.stringMatching(/^Table/) },
      RECORDINGS_BUCKET: { Ref: bucket },
    });
  });

  it('gives media-events its table, queue, media servers, bucket and the public API URL for download links, but no webhook queue', () => {
    const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);
    const [api] = resourceOf('AWS::ApiGateway::RestApi', /^Api/);

    expect(environmentOf('MediaEvents')).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      ESL_NODES: 'fs-a=freeswitch.internal:8021',
      ESL_PASSWORD_SECRET_ARN: { Ref: expect.stringMatching(/^EslPassword/) },
      ESL_PASSWORD_REVISION: '1',
      ESL_TIMEOUT_MS: '3000',
      CLAIM_LEASE_MS: '10000',
      MEDIA_EVENTS_QUEUE_URL: { Ref: expect.stringMatching(/^MediaEventQueue/) },
      // The stage's base URL without a trailing slash: file_url appends /v1/recordings/{id}/media.
      PUBLIC_API_URL: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: api },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/dev',
          ],
        ],
      },
      TABLE_NAME: { Ref: expect.stringMatching(/^Table/) },
      RECORDINGS_BUCKET: { Ref: bucket },
    });
  });

  it('gives the recordings function the bucket and an 8 s stop settle', () => {
    const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);

    expect(environmentOf('Recordings')).toMatchObject({
      RECORDINGS_BUCKET: { Ref: bucket },
      STOP_SETTLE_MS: '8000',
    });
  });

  it('sets RECORDING_URL_TEMPLATE on no function', () => {
    const names = ['Recordings', 'MediaEvents', 'OutboxRelay', 'RetentionSweep', 'WebhookSender'];

    const withTemplate = names.filter((name) => 'RECORDING_URL_TEMPLATE' in environmentOf(name));
    expect(withTemplate).toEqual([]);
  });
});

describe('RecordingsStack permissions', () => {
  it("lets the recordings function read API keys, calls, applications and deliveries, write calls, mark deliveries pending, update allowances, list an application's deliveries through GSI1, send redeliveries to the queue, read its secret and read, decrypt and delete recording objects", () => {
    expect(statementsOf('Recordings')).toEqual([
      TRACING,
      {
        Sid: 'TableRead',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        Condition: leadingKeys('APP#*', 'CALL#*', 'DELIVERY#*', 'KEY#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'TableWrite',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Condition: leadingKeys('CALL#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'TableWrite2',
        Action: ['dynamodb:UpdateItem'],
        Condition: leadingKeys('DELIVERY#*', 'RATE#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'IndexQuery',
        Action: ['dynamodb:Query'],
        Condition: leadingKeys('DELIVERIES#*'),
        Effect: 'Allow',
        Resource: tableArn('gsi1'),
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
      { Action: ['s3:DeleteObject', 's3:GetObject'], Effect: 'Allow', Resource: recordingObjects() },
      { Action: ['kms:Decrypt'], Effect: 'Allow', Resource: recordingsKeyArn() },
    ]);
  });

  it('lets the webhook sender read and update applications and delivery records, list parked deliveries through GSI1, open webhook secrets, send to its queue and its DLQ and consume the queue', () => {
    expect(statementsOf('WebhookSender')).toEqual([
      TRACING,
      {
        Sid: 'TableRead',
        Action: ['dynamodb:GetItem'],
        Condition: leadingKeys('APP#*', 'DELIVERY#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'TableWrite',
        Action: ['dynamodb:UpdateItem'],
        Condition: leadingKeys('APP#*', 'DELIVERY#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'IndexQuery',
        Action: ['dynamodb:Query'],
        Condition: leadingKeys('DELIVERIES#*'),
        Effect: 'Allow',
        Resource: tableArn('gsi1'),
      },
      {
        Action: ['kms:Decrypt'],
        Condition: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['application_id'] },
          Null: { 'kms:EncryptionContext:application_id': 'false' },
        },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WebhookSecretsKey/), 'Arn'] },
      },
      // One statement for both queues (cdk.json's minimizePolicies merges statements of the same actions).
      {
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Effect: 'Allow',
        Resource: [queueArn('WebhookDeadLetters'), queueArn('Webhooks')],
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

  it("lets the media-events function read calls (by channel too) and applications' retention, write calls only (recordings and their events committed with them), read its secret, head recording objects and delete audio no recording owns", () => {
    expect(statementsOf('MediaEvents')).toEqual([
      TRACING,
      {
        Sid: 'TableRead',
        Action: ['dynamodb:GetItem'],
        Condition: leadingKeys('APP#*', 'CALL#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'TableWrite',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Condition: leadingKeys('CALL#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'IndexQuery',
        Action: ['dynamodb:Query'],
        Condition: leadingKeys('CHAN#*'),
        Effect: 'Allow',
        Resource: tableArn('gsi2'),
      },
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: { Ref: expect.stringMatching(/^EslPassword/) },
      },
      // HeadObject needs s3:GetObject only, and no KMS right: it reads metadata, not the audio.
      // DeleteObject removes stored audio no recording owns.
      { Action: ['s3:DeleteObject', 's3:GetObject'], Effect: 'Allow', Resource: recordingObjects() },
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

  it('lets the media relay only send to the media-events queue and upload encrypted recording objects', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MediaEventQueue/), 'Arn'] },
      },
      { Action: 's3:PutObject', Effect: 'Allow', Resource: recordingObjects() },
      { Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: recordingsKeyArn() },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^MediaRelayPolicy') }],
    });
  });

  it('lets the outbox relay only send to the webhook queue and its on-failure queue and read the table stream', () => {
    const stream = { 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'StreamArn'] };

    expect(statementsOf('OutboxRelay')).toEqual([
      TRACING,
      // Statements of the same actions merged (cdk.json's minimizePolicies).
      {
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Effect: 'Allow',
        Resource: [queueArn('OutboxDlq'), queueArn('Webhooks')],
      },
      {
        Action: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        Effect: 'Allow',
        Resource: stream,
      },
    ]);
  });

  it('lets the retention sweep find due recordings through GSI1, commit purges and their events and delete recording objects', () => {
    expect(statementsOf('RetentionSweep')).toEqual([
      TRACING,
      {
        Sid: 'TableRead',
        Action: ['dynamodb:GetItem'],
        Condition: leadingKeys('CALL#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'TableWrite',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Condition: leadingKeys('CALL#*'),
        Effect: 'Allow',
        Resource: tableArn(),
      },
      {
        Sid: 'IndexQuery',
        Action: ['dynamodb:Query'],
        Condition: leadingKeys('PURGE'),
        Effect: 'Allow',
        Resource: tableArn('gsi1'),
      },
      { Action: ['s3:DeleteObject'], Effect: 'Allow', Resource: recordingObjects() },
    ]);
  });

  it('lets only the outbox relay, the webhook sender and the recordings function (redeliveries) send to the webhook queue', () => {
    const [webhooks] = queueOf('Webhooks');
    const senders = Object.entries(template.findResources('AWS::IAM::Policy'))
      .filter(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.some(
          (statement: { Action: string | string[]; Resource: unknown }) =>
            [statement.Action].flat().includes('sqs:SendMessage') &&
            [statement.Resource]
              .flat()
              .some(
                (resource) =>
                  JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [webhooks, 'Arn'] }),
              ),
        ),
      )
      .map(([id]) => id.replace(/FunctionServiceRoleDefaultPolicy[0-9A-F]{8}$/, ''));

    expect(senders.sort()).toEqual(['OutboxRelay', 'Recordings', 'WebhookSender']);
  });

  it('lets no function delete table items', () => {
    const actions = identityStatements().flatMap((statement) => statement.actions);

    expect(actions.filter((action) => action === 'dynamodb:DeleteItem')).toEqual([]);
  });

  it('grants no principal s3:ListBucket or any S3 wildcard action', () => {
    const actions = identityStatements().flatMap((statement) => statement.actions);

    expect(actions.filter((action) => action === 's3:ListBucket' || /^s3:.*\*/.test(action))).toEqual([]);
    expect(actions.filter((action) => action === '*')).toEqual([]);
  });

  it('grants s3:PutObject to the media relay alone', () => {
    const putters = identityStatements()
      .filter((statement) => statement.actions.includes('s3:PutObject'))
      .map((statement) => statement.policy);

    expect(putters).toEqual([expect.stringMatching(/^MediaRelayPolicy/)]);
  });
});

describe('RecordingsStack operations', () => {
  it('alarms on 5xx rate, dead letters, old messages, a lagging outbox relay, orphans, storage failures, relays retrying uploads, purge failures, disabled endpoints, unsealed or unreadable webhook secrets, media-server failures and each function errors and throttles', () => {
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
        'AlarmsOutboxRelayErrors',
        'AlarmsOutboxRelayThrottles',
        'AlarmsOutboxRelayIteratorAge',
        'AlarmsOutboxDeadLetters',
        'AlarmsWebhookEndpointsDisabled',
        'AlarmsWebhookSecretsUnsealed',
        'AlarmsWebhookSecretsUnreadable',
        'AlarmsMediaEventsErrors',
        'AlarmsMediaEventsThrottles',
        'AlarmsMediaEventDeadLetters',
        'AlarmsOldestMediaEventAge',
        'AlarmsOrphanRecordings',
        'AlarmsStorageFailures',
        'AlarmsUploadsRetrying',
        'AlarmsPurgeFailures',
        'AlarmsMediaServerErrors',
        'AlarmsRetentionSweepErrors',
        'AlarmsRetentionSweepThrottles',
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

  it('alarms on any recording whose audio media-events found missing from storage', () => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', /^AlarmsStorageFailures/);

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringContaining('storage_failed'),
      Namespace: 'MiniVoice/Recordings',
      MetricName: 'StorageFailures',
      Dimensions: [{ Name: 'service', Value: 'media-events' }],
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it('alarms on any uploads_retrying summary of a media relay, linking its runbook section', () => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', /^AlarmsUploadsRetrying/);

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringMatching(
        /kms:GenerateDataKey.* Runbook: docs\/runbook\.md#uploadsretrying$/,
      ),
      Namespace: 'MiniVoice/Recordings',
      MetricName: 'UploadsRetrying',
      Dimensions: [{ Name: 'service', Value: 'media-events' }],
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it('alarms on any object or purge the retention sweep failed to delete or commit', () => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', /^AlarmsPurgeFailures/);

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringContaining('retention sweep'),
      Namespace: 'MiniVoice/Recordings',
      MetricName: 'PurgeFailures',
      Dimensions: [{ Name: 'service', Value: 'retention-sweep' }],
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it('alarms when the outbox relay is more than 5 minutes behind the table stream', () => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', /^AlarmsOutboxRelayIteratorAge/);

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringContaining('outbox relay'),
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('OutboxRelay') } }],
      Period: 300,
      Statistic: 'Maximum',
      Threshold: 300_000,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it('alarms as soon as the outbox relay gives up on a stream record', () => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', /^AlarmsOutboxDeadLetters/);

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringContaining('outbox relay gave up'),
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueOf('OutboxDlq')[0], 'QueueName'] } }],
      Period: 60,
      Statistic: 'Maximum',
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it('alarms on any webhook endpoint the sender disabled', () => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', /^AlarmsWebhookEndpointsDisabled/);

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringContaining('disabled'),
      Namespace: 'MiniVoice/Recordings',
      MetricName: 'WebhookEndpointsDisabled',
      Dimensions: [{ Name: 'service', Value: 'webhook-sender' }],
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it.each([
    [
      'WebhookSecretsUnsealed',
      // What to do: seal them.
      'Run `npm run admin -- seal-webhook-secrets`',
    ],
    [
      'WebhookSecretsUnreadable',
      // What to do: set a new secret (which also requeues the parked events).
      'then set a new secret: `npm run admin -- set-webhook --application ID --url URL --generate-secret`',
    ],
  ])('alarms on any %s the webhook sender counts, saying what to do', (metric, remedy) => {
    const [, alarm] = resourceOf('AWS::CloudWatch::Alarm', new RegExp(`^Alarms${metric}[0-9A-F]{8}$`));

    expect(alarm.Properties).toEqual({
      AlarmDescription: expect.stringContaining(remedy),
      Namespace: 'MiniVoice/Recordings',
      MetricName: metric,
      Dimensions: [{ Name: 'service', Value: 'webhook-sender' }],
      Period: 300,
      Statistic: 'Sum',
      Threshold: 0,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
    });
  });

  it('watches the very metrics the webhook sender emits, under its own service dimension', () => {
    const root = new URL('../../', import.meta.url);
    const sender = readFileSync(new URL('shared/webhooks/deliver-webhook.ts', root), 'utf8');
    const wiring = readFileSync(new URL('functions/webhook-sender/deps.ts', root), 'utf8');

    expect({
      counted: [...sender.matchAll(/metrics\.count\('(WebhookSecrets\w+)'\)/g)].map((m) => m[1]).sort(),
      emitted: /createEmfMetrics\(METRICS_NAMESPACE, '([\w-]+)'\)/.exec(wiring)?.[1],
      namespace: METRICS_NAMESPACE,
    }).toEqual({
      counted: ['WebhookSecretsUnreadable', 'WebhookSecretsUnsealed'],
      emitted: 'webhook-sender',
      namespace: 'MiniVoice/Recordings',
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

  it('outputs the API URL, the queue names and what the media relay needs', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs.sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'EslClientsSecurityGroupId',
        'EslPasswordSecretArn',
        'MediaEventsQueueUrl',
        'MediaRelayPolicyArn',
        'MediaRelayRoleArn',
        'MediaServerSecurityGroupId',
        'OutboxDeadLetterQueueUrl',
        'RecordingsBucketName',
        'RecordingsKeyArn',
        'TableName',
        'VpcId',
        'WebAclArn',
        'WebhookDeadLetterQueueName',
        'WebhookDeadLetterQueueUrl',
        'WebhookQueueName',
        'WebhookQueueUrl',
        'WebhookSecretsKeyArn',
      ].sort(),
    );
  });

  it('outputs the recordings bucket name for the media relay and the key ARN', () => {
    const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);

    expect(template.findOutputs('RecordingsBucketName')).toEqual({
      RecordingsBucketName: { Value: { Ref: bucket }, Description: 'RECORDINGS_BUCKET of the media relay' },
    });
    expect(template.findOutputs('RecordingsKeyArn')).toEqual({
      RecordingsKeyArn: { Value: recordingsKeyArn() },
    });
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
      )
      // CDK's own constructs acknowledge some CloudFormation linter rules (the VPC's flow log, AZ
      // lookups); ours are the cdk-nag ones.
      .filter(([, rule]) => !String(rule).startsWith('CloudFormation-Validate::'));

    const managed = (name: string) => `arn:<AWS::Partition>:iam::aws:policy/${name}`;
    // Object keys are per customer and call, so every grant on recordings ends in a wildcard.
    const [bucket] = resourceOf('AWS::S3::Bucket', RECORDINGS_BUCKET);
    const recordingObjectsRule = `Annotation::AwsSolutions-IAM5[Resource::<${bucket}.Arn>/recordings/*]`;
    expect(acknowledged.sort()).toEqual(
      [
        [
          'test-stack',
          'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          true,
        ],
        ['test-stack/AlarmTopic', 'Annotation::AwsSolutions-SNS2', true],
        ['test-stack/Api', 'Annotation::AwsSolutions-APIG4', true],
        ['test-stack/Api', 'Annotation::AwsSolutions-COG4', true],
        ['test-stack/Api', 'Annotation::AwsSolutions-APIG2', true],
        [
          'test-stack/Api',
          `Annotation::AwsSolutions-IAM4[Policy::${managed('service-role/AmazonAPIGatewayPushToCloudWatchLogs')}]`,
          true,
        ],
        [
          'test-stack/Recordings/Function',
          `Annotation::AwsSolutions-IAM4[Policy::${managed('service-role/AWSLambdaVPCAccessExecutionRole')}]`,
          true,
        ],
        [
          'test-stack/MediaEvents/Function',
          `Annotation::AwsSolutions-IAM4[Policy::${managed('service-role/AWSLambdaVPCAccessExecutionRole')}]`,
          true,
        ],
        ['test-stack/EslPassword', 'Annotation::AwsSolutions-SMG4', true],
        ['test-stack/MediaEventDeadLetters', 'Annotation::AwsSolutions-SQS3', true],
        ['test-stack/OutboxDlq', 'Annotation::AwsSolutions-SQS3', true],
        ['test-stack/WebhookDeadLetters', 'Annotation::AwsSolutions-SQS3', true],
        ['test-stack/Recordings/Function', recordingObjectsRule, true],
        ['test-stack/MediaEvents/Function', recordingObjectsRule, true],
        ['test-stack/RetentionSweep/Function', recordingObjectsRule, true],
        ['test-stack/MediaRelayPolicy', recordingObjectsRule, true],
        // X-Ray's two write actions take no resource: every traced function's role has them on "*".
        ...['Recordings', 'MediaEvents', 'RetentionSweep', 'WebhookSender', 'OutboxRelay'].map((fn) => [
          `test-stack/${fn}/Function`,
          'Annotation::AwsSolutions-IAM5[Resource::*]',
          true,
        ]),
      ].sort(),
    );
  });

  it('passes the cdk-nag AwsSolutions checks with only the reviewed acknowledgements', () => {
    const { app } = build({}, {}, { nag: true });
    expect(() => app.synth()).not.toThrow();
  });

  it('passes the cdk-nag AwsSolutions checks in prod, in an imported network, too', () => {
    const { app } = build(PROD_CONTEXT, {}, { nag: true });
    expect(() => app.synth()).not.toThrow();
  });
});
