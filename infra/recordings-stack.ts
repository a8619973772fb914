import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { OUTBOX_STREAM_FILTER } from '../shared/adapters/dynamodb/outbox-stream.ts';
import { GSI1, GSI2, KEY_ATTRIBUTES, TTL_ATTRIBUTE } from '../shared/adapters/dynamodb/table-schema.ts';
import type { EslNode } from '../shared/adapters/freeswitch/esl-nodes.ts';
import { MEDIA_EVENT_MAX_RECEIVES } from '../shared/media-events/media-event-message.ts';
import { DEFAULT_RETRY_POLICY, WEBHOOK_QUEUE_RETENTION_SECONDS } from '../shared/webhooks/retry-policy.ts';
import {
  type DeploymentSettings,
  NETWORK_KEYS,
  PROD_MEDIA_SERVER_KEY,
  prodNetworkRequired,
} from './config/deployment-settings.ts';
import { ApiFirewall } from './constructs/api-firewall.ts';
import {
  acknowledgeRecordingObjects,
  INDEX_KEYS,
  ITEM_KEYS,
  openWebhookSecrets,
  recordingStatements,
  sendToQueue,
  useRecordings,
  useTable,
} from './constructs/grants.ts';
import { MediaNetwork } from './constructs/media-network.ts';
import { OperationsAlarms } from './constructs/operations-alarms.ts';
import { OperationsDashboard } from './constructs/operations-dashboard.ts';
import { RecordingBucket } from './constructs/recording-bucket.ts';
import { RecordingsApi } from './constructs/recordings-api.ts';
import { ServiceFunction } from './constructs/service-function.ts';

/**
 * Settings of one deployment (from CDK context, checked by `deploymentSettings`; see README "Deploy"):
 * the stage, the media fleet and its network, the ESL secret and file paths, each application's
 * allowance, the edge's per-address and global limits, where alarms go.
 */
export interface RecordingsStackProps extends StackProps, Omit<DeploymentSettings, 'region'> {}

/** `ESL_NODES` as the functions read it (an IPv6 host back in brackets). */
function formatEslNodes(nodes: EslNode[]): string {
  return nodes
    .map(({ name, host, port }) => `${name}=${host.includes(':') ? `[${host}]` : host}:${port}`)
    .join(',');
}

const WEBHOOK_SENDER_TIMEOUT = Duration.seconds(30);
const MEDIA_EVENTS_TIMEOUT = Duration.seconds(30);
const RETENTION_SWEEP_TIMEOUT = Duration.minutes(5);
const OUTBOX_RELAY_TIMEOUT = Duration.seconds(30);
/**
 * Receives of a webhook message beyond the sender's last attempt before SQS moves it to the DLQ. The
 * sender parks an event itself on its last attempt, so only a message whose handling keeps crashing
 * (or a sender that crashed while parking) gets that far.
 */
const WEBHOOK_CRASH_RECEIVES = 5;

/**
 * MiniVoice Recordings: a regional REST API (WAF per-address and per-key rate rules, every gateway
 * answer in the JSON envelope) → `recordings` Lambda → DynamoDB + FreeSWITCH over the Event Socket, on a
 * private network (the ESL functions in a VPC, the media servers' Event Socket open to them alone); the
 * media relay beside each FreeSWITCH → SQS media-events queue (with DLQ) → `media-events` Lambda (in the
 * same VPC), and audio → a private, KMS-encrypted S3 bucket (downloads pre-signed by `recordings`, purged
 * by a retention sweep every 10 minutes); webhook events committed as outbox items → the table's stream →
 * `outbox-relay` Lambda (with an on-failure queue) → an SQS webhook queue (with DLQ) → `webhook-sender`
 * Lambda (secrets sealed with a KMS key only it may decrypt with) → the customer's endpoint; customers
 * list and redeliver their events through the API; alarms to an SNS topic. Each function may read and
 * write only the item types it needs (`dynamodb:LeadingKeys`, reads and writes granted apart).
 */
export class RecordingsStack extends Stack {
  constructor(scope: Construct, id: string, props: RecordingsStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';
    // The same refusal as infra/app.ts's, for a stack built some other way: prod never creates a network,
    // and always knows the media servers' group (it manages their Event Socket ingress).
    if (prod && props.network?.mediaServerSecurityGroupId === undefined) {
      throw new Error(
        prodNetworkRequired(
          props.network ? [PROD_MEDIA_SERVER_KEY] : [...NETWORK_KEYS, PROD_MEDIA_SERVER_KEY],
        ),
      );
    }
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = prod ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_MONTH;

    // Same schema as shared/adapters/dynamodb/table-schema.ts#createTableInput (used by the emulators).
    const table = new TableV2(this, 'Table', {
      partitionKey: { name: KEY_ATTRIBUTES.partition, type: AttributeType.STRING },
      sortKey: { name: KEY_ATTRIBUTES.sort, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: prod,
      removalPolicy,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The outbox: the relay reads new outbox items from the stream (NEW_IMAGE: the event is in the item).
      dynamoStream: StreamViewType.NEW_IMAGE,
      globalSecondaryIndexes: [
        {
          // API keys by application, recordings due for purge, an application's deliveries by status.
          indexName: GSI1.name,
          partitionKey: { name: GSI1.partition, type: AttributeType.STRING },
          sortKey: { name: GSI1.sort, type: AttributeType.STRING },
        },
        {
          // Calls by media-server channel, for hangups; keys only, so call updates never write to it.
          indexName: GSI2.name,
          partitionKey: { name: GSI2.partition, type: AttributeType.STRING },
          sortKey: { name: GSI2.sort, type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
      ],
    });

    const deadLetterQueue = new Queue(this, 'WebhookDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new Queue(this, 'Webhooks', {
      // AWS's guidance for Lambda consumers: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(6 * WEBHOOK_SENDER_TIMEOUT.toSeconds()),
      // Every retry of an event must fit in it (the sender's config and an infra test check the arithmetic).
      retentionPeriod: Duration.seconds(WEBHOOK_QUEUE_RETENTION_SECONDS),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: {
        queue: deadLetterQueue,
        maxReceiveCount: DEFAULT_RETRY_POLICY.maxAttempts + WEBHOOK_CRASH_RECEIVES,
      },
    });

    const eslSecret: ISecret = props.eslPasswordSecretArn
      ? Secret.fromSecretCompleteArn(this, 'EslPassword', props.eslPasswordSecretArn)
      : new Secret(this, 'EslPassword', {
          description: `FreeSWITCH event socket password (${props.stage}); set it to event_socket.conf.xml's password`,
          generateSecretString: { passwordLength: 32, excludePunctuation: true },
          removalPolicy,
        });

    // Recording audio: uploaded by the media relay, downloaded through URLs the recordings function
    // pre-signs, deleted on request or by the retention sweep. Nobody may list or read it anonymously.
    const recordingsKey = new Key(this, 'RecordingsKey', {
      description: `MiniVoice Recordings ${props.stage}: encrypts recording audio (SSE-KMS)`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Webhook secrets are sealed with this key (encryption context: application_id) by operators through
    // the admin CLI, with their own credentials; only the webhook sender may decrypt them (its IAM
    // statement, and the key policy's deny to everyone else: openWebhookSecrets).
    const webhookSecretsKey = new Key(this, 'WebhookSecretsKey', {
      description: `MiniVoice Recordings ${props.stage}: seals applications' webhook secrets (admin CLI encrypts, webhook-sender decrypts)`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const storage = new RecordingBucket(this, 'RecordingsBucket', {
      encryptionKey: recordingsKey,
      removalPolicy,
      accessLogRetention: Duration.days(prod ? 365 : 90),
    });

    // The private network between the functions that speak ESL and the media servers.
    const network = new MediaNetwork(this, 'MediaNetwork', {
      eslNodes: props.eslNodes,
      ...(props.network ? { imported: props.network } : {}),
      logRetention,
      removalPolicy,
    });

    // Both functions that command FreeSWITCH see the fleet, and name its files, the same way.
    const mediaServerEnvironment = {
      ESL_NODES: formatEslNodes(props.eslNodes),
      ESL_PASSWORD_SECRET_ARN: eslSecret.secretArn,
      // Read by no code: changing it is what makes Lambda replace every container after a rotation.
      ESL_PASSWORD_REVISION: String(props.eslPasswordRevision),
      ESL_TIMEOUT_MS: '3000',
      ...(props.recordingPathTemplate ? { RECORDING_PATH_TEMPLATE: props.recordingPathTemplate } : {}),
      CLAIM_LEASE_MS: '10000',
    };

    const recordings = new ServiceFunction(this, 'Recordings', {
      name: 'recordings',
      // Below API Gateway's 29 s; covers waiting on a concurrent request's claim (2 × lease).
      timeout: Duration.seconds(28),
      logRetention,
      removalPolicy,
      placement: network.placement,
      environment: {
        ...mediaServerEnvironment,
        // A stop that finds the file already closed waits up to this for the media server's own report.
        STOP_SETTLE_MS: '8000',
        // Each application's allowance, checked right after authentication (the spec's Part 2).
        RATE_LIMIT_PER_SECOND: String(props.applicationLimit.perSecond),
        RATE_LIMIT_BURST: String(props.applicationLimit.burst),
      },
    }).fn;
    // Reads API keys (authentication), calls with their recordings, applications (the webhook endpoint,
    // retention) and delivery records; GSI1 lists an application's deliveries. Writes only calls (claims,
    // and the recording and outbox event committed with each), delivery records (a redelivery marks one
    // pending: UpdateItem) and its allowances (the limiter's conditional UpdateItem, never a Put, which
    // would replace the item and with it a disabled application's flag). Its own events leave through
    // the stream, so the queue only takes redeliveries. It can write no API key, no application, and
    // reaches no other item type (customers, for one). IAM cannot narrow the allowance write to `tat`
    // and `expires_at` (docs/production-edge.md, "Least privilege").
    useTable(recordings, table, {
      reads: {
        actions: ['GetItem', 'BatchGetItem', 'Query'],
        items: [ITEM_KEYS.apiKey, ITEM_KEYS.call, ITEM_KEYS.application, ITEM_KEYS.delivery],
      },
      writes: [
        { actions: ['PutItem', 'UpdateItem'], items: [ITEM_KEYS.call] },
        { actions: ['UpdateItem'], items: [ITEM_KEYS.delivery, ITEM_KEYS.rate] },
      ],
      index: { name: GSI1.name, keys: [INDEX_KEYS.deliveries] },
    });
    sendToQueue(recordings, queue);
    eslSecret.grantRead(recordings);
    // Downloads are URLs pre-signed with this role, so it must be able to read and decrypt the object
    // itself; DeleteObject serves DELETE /v1/recordings/{id}.
    useRecordings(recordings, storage, { s3: ['GetObject', 'DeleteObject'], kms: ['Decrypt'] });

    const api = new RecordingsApi(this, 'Api', {
      handler: recordings,
      stageName: props.stage,
      throttle: { rateLimit: props.edge.stageRate, burstLimit: props.edge.stageBurst },
      logRetention,
      removalPolicy,
    });
    // A stored recording's file_url is rebuilt from it at read time. No cycle: the URL names the API by
    // its id and the stage by its name (RecordingsApi.baseUrl), so the function waits for neither the
    // stage nor the deployment, which wait for the function.
    recordings.addEnvironment('PUBLIC_API_URL', api.baseUrl);
    const firewall = new ApiFirewall(this, 'Firewall', {
      stage: api.api.deploymentStage,
      name: `minivoice-recordings-${props.stage}`,
      perAddress: props.edge.perAddress,
      anonymousPerAddress: props.edge.anonymousPerAddress,
      perKey: props.edge.perKey,
      windowSeconds: props.edge.windowSeconds,
    });

    // Media events: the relay beside each FreeSWITCH sends them; the media-events function applies them.
    const mediaEventDeadLetters = new Queue(this, 'MediaEventDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const mediaEvents = new Queue(this, 'MediaEventQueue', {
      visibilityTimeout: Duration.seconds(6 * MEDIA_EVENTS_TIMEOUT.toSeconds()),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: mediaEventDeadLetters, maxReceiveCount: MEDIA_EVENT_MAX_RECEIVES },
    });
    const mediaEventsFunction = new ServiceFunction(this, 'MediaEvents', {
      name: 'media-events',
      timeout: MEDIA_EVENTS_TIMEOUT,
      logRetention,
      removalPolicy,
      placement: network.placement,
      environment: {
        ...mediaServerEnvironment,
        MEDIA_EVENTS_QUEUE_URL: mediaEvents.queueUrl,
        // A completed recording's file_url is the API's download route; the same value as the recordings
        // function's.
        PUBLIC_API_URL: api.baseUrl,
      },
    }).fn;
    // Reads calls with their recordings and applications' retention; GSI2 finds a hung-up channel's
    // call. Writes calls only: claims, ends, and the recording and outbox events committed with them (its
    // webhook events are outbox items; the stream takes them from there).
    useTable(mediaEventsFunction, table, {
      reads: { actions: ['GetItem'], items: [ITEM_KEYS.call, ITEM_KEYS.application] },
      writes: [{ actions: ['PutItem', 'UpdateItem'], items: [ITEM_KEYS.call] }],
      index: { name: GSI2.name, keys: [INDEX_KEYS.channel] },
    });
    eslSecret.grantRead(mediaEventsFunction);
    // HeadObject (the stored size) needs only s3:GetObject; it reads metadata, so no kms:Decrypt.
    // GetObject: HeadObject confirms stored audio and reads its size. DeleteObject: stored audio that no
    // recording owns (an orphan, a failed start, a deleted recording) must not stay.
    useRecordings(mediaEventsFunction, storage, { s3: ['GetObject', 'DeleteObject'] });
    mediaEventsFunction.addEventSource(
      new SqsEventSource(mediaEvents, { batchSize: 10, reportBatchItemFailures: true }),
    );
    const relayPolicy = new ManagedPolicy(this, 'MediaRelayPolicy', {
      description:
        'The media relay beside each FreeSWITCH: may only send to the media-events queue and upload recordings (single-part PutObject under recordings/, encrypted with the recordings key).',
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['sqs:SendMessage'],
          resources: [mediaEvents.queueArn],
        }),
        // A single-part PutObject into an SSE-KMS bucket needs GenerateDataKey; only multipart needs
        // Decrypt too, and the relay never uploads in parts.
        ...recordingStatements(storage, { s3: ['PutObject'], kms: ['GenerateDataKey'] }),
      ],
    });
    acknowledgeRecordingObjects(relayPolicy, storage);
    const relayRole = new Role(this, 'MediaRelayRole', {
      description:
        'Assumed by the media relay on an EC2 media server (instance profile); see docs/media-servers.md',
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [relayPolicy],
    });

    const retentionSweep = new ServiceFunction(this, 'RetentionSweep', {
      name: 'retention-sweep',
      timeout: RETENTION_SWEEP_TIMEOUT,
      memorySize: 256,
      logRetention,
      removalPolicy,
      environment: {},
    }).fn;
    // Recordings due for purge are found through GSI1; each purge and its webhook event (an outbox item,
    // relayed from the stream) are committed on the table after the audio is deleted.
    useTable(retentionSweep, table, {
      reads: { actions: ['GetItem'], items: [ITEM_KEYS.call] },
      writes: [{ actions: ['PutItem', 'UpdateItem'], items: [ITEM_KEYS.call] }],
      index: { name: GSI1.name, keys: [INDEX_KEYS.purge] },
    });
    useRecordings(retentionSweep, storage, { s3: ['DeleteObject'] });
    new Rule(this, 'RetentionSweepSchedule', {
      description: 'Deletes the audio of recordings past their retention and marks them purged',
      schedule: Schedule.rate(Duration.minutes(10)),
      // The next run picks up whatever this one missed; a retry would only overlap it.
      targets: [new LambdaFunction(retentionSweep, { retryAttempts: 0 })],
    });

    const sender = new ServiceFunction(this, 'WebhookSender', {
      name: 'webhook-sender',
      timeout: WEBHOOK_SENDER_TIMEOUT,
      logRetention,
      removalPolicy,
      environment: {
        WEBHOOK_TIMEOUT_MS: '10000',
        WEBHOOK_MAX_ATTEMPTS: String(DEFAULT_RETRY_POLICY.maxAttempts),
        WEBHOOK_RETRY_BASE_SECONDS: String(DEFAULT_RETRY_POLICY.baseDelaySeconds),
        WEBHOOK_RETRY_MAX_DELAY_SECONDS: String(DEFAULT_RETRY_POLICY.maxDelaySeconds),
        WEBHOOK_DISABLE_AFTER_DAYS: '5',
      },
    }).fn;
    // Reads applications and delivery records; records attempts on delivery records and endpoint health
    // on applications (conditional updates only); GSI1 lists the parked deliveries a redrive queues again.
    useTable(sender, table, {
      reads: { actions: ['GetItem'], items: [ITEM_KEYS.application, ITEM_KEYS.delivery] },
      writes: [{ actions: ['UpdateItem'], items: [ITEM_KEYS.application, ITEM_KEYS.delivery] }],
      index: { name: GSI1.name, keys: [INDEX_KEYS.deliveries] },
    });
    // Signs with each application's secret, sealed under the webhook secrets key: it may open them, and
    // only it (the key policy denies decrypting to every other principal; the recordings function has no
    // right on the key at all).
    openWebhookSecrets(sender, webhookSecretsKey);
    // Redrive requests and their redeliveries go back on its own queue; messages that are not webhooks at
    // all go straight to the DLQ, for an operator.
    sendToQueue(sender, queue);
    sendToQueue(sender, deadLetterQueue, 'WEBHOOK_DLQ_URL');
    sender.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );

    // The outbox: every committed outbox item reaches the relay through the table's stream, in commit
    // order per shard, and is queued for the sender. The relay never reads or writes the table's items.
    const outboxDeadLetters = new Queue(this, 'OutboxDlq', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const outboxRelay = new ServiceFunction(this, 'OutboxRelay', {
      name: 'outbox-relay',
      timeout: OUTBOX_RELAY_TIMEOUT,
      memorySize: 256,
      logRetention,
      removalPolicy,
      environment: {},
    }).fn;
    sendToQueue(outboxRelay, queue);
    outboxRelay.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        // Only new outbox items invoke the relay (and are billed); the local stand-in uses the same pattern.
        filters: [FilterCriteria.filter(OUTBOX_STREAM_FILTER)],
        batchSize: 100,
        // The relay reports the first event the queue did not take; Lambda retries from it, nothing after
        // it is skipped. An error (an item it cannot read) splits the batch until the culprit is alone.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // A failing record holds up its shard, so it is not retried forever: after 10,000 tries (the
        // largest finite count; a record the relay cannot read, isolated by bisecting, uses them up) or
        // 12 hours (an SQS outage), whichever comes first, Lambda skips it and notes its place in the
        // stream on OutboxDlq. 12 hours, not the stream's 24: a record trimmed from the stream first would
        // be skipped without a note. The note says when the batch's records arrived; `npm run admin --
        // outbox-replay --from-dlq` queues that window's events again from the outbox items (kept 7 days).
        retryAttempts: 10_000,
        maxRecordAge: Duration.hours(12),
        // 1, not more: with more batches per shard Lambda keeps order only per item (partition and sort
        // key), and a call's events are separate items of its partition. Shards grow with the table.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(outboxDeadLetters),
      }),
    );

    const alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `MiniVoice Recordings ${props.stage} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarms = new OperationsAlarms(this, 'Alarms', {
      apiStage: api.api.deploymentStage,
      functions: {
        Recordings: recordings,
        WebhookSender: sender,
        OutboxRelay: outboxRelay,
        MediaEvents: mediaEventsFunction,
        RetentionSweep: retentionSweep,
      },
      outboxRelay,
      outboxDeadLetters,
      queue,
      deadLetterQueue,
      mediaEvents,
      mediaEventDeadLetters,
      topic: alarmTopic,
      ...(props.runbookUrl ? { runbookUrl: props.runbookUrl } : {}),
    });
    new OperationsDashboard(this, 'Dashboard', {
      name: `minivoice-recordings-${props.stage}`,
      apiStage: api.api.deploymentStage,
      functions: {
        Recordings: recordings,
        MediaEvents: mediaEventsFunction,
        OutboxRelay: outboxRelay,
        WebhookSender: sender,
        RetentionSweep: retentionSweep,
      },
      outboxRelay,
      queues: {
        Webhooks: queue,
        MediaEvents: mediaEvents,
      },
      deadLetterQueues: {
        Webhooks: deadLetterQueue,
        MediaEvents: mediaEventDeadLetters,
        Outbox: outboxDeadLetters,
      },
      alarms: alarms.alarms,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: api.baseUrl,
      description: 'Base URL of the recordings API (the stage included, no trailing slash)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'WebhookQueueName', { value: queue.queueName });
    new CfnOutput(this, 'WebhookQueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'WebhookDeadLetterQueueName', { value: deadLetterQueue.queueName });
    new CfnOutput(this, 'WebhookDeadLetterQueueUrl', { value: deadLetterQueue.queueUrl });
    new CfnOutput(this, 'OutboxDeadLetterQueueUrl', {
      value: outboxDeadLetters.queueUrl,
      description:
        'Where the outbox relay notes stream batches it gave up on (replay: admin outbox-replay --from-dlq)',
    });
    new CfnOutput(this, 'EslPasswordSecretArn', { value: eslSecret.secretArn });
    new CfnOutput(this, 'MediaEventsQueueUrl', {
      value: mediaEvents.queueUrl,
      description: 'MEDIA_EVENTS_QUEUE_URL of the media relay',
    });
    new CfnOutput(this, 'RecordingsBucketName', {
      value: storage.bucket.bucketName,
      description: 'RECORDINGS_BUCKET of the media relay',
    });
    new CfnOutput(this, 'RecordingsKeyArn', { value: recordingsKey.keyArn });
    new CfnOutput(this, 'WebhookSecretsKeyArn', {
      value: webhookSecretsKey.keyArn,
      description: 'WEBHOOK_SECRETS_KEY_ID of the admin CLI (operators encrypt webhook secrets with it)',
    });
    new CfnOutput(this, 'WebAclArn', { value: firewall.webAcl.attrArn });
    new CfnOutput(this, 'VpcId', {
      value: network.vpc.vpcId,
      description: 'The network of the ESL functions',
    });
    new CfnOutput(this, 'EslClientsSecurityGroupId', {
      value: network.eslClients.securityGroupId,
      description:
        'Security group of the recordings and media-events functions: the only source the media servers should accept on the Event Socket port',
    });
    if (network.mediaServers) {
      new CfnOutput(this, 'MediaServerSecurityGroupId', {
        value: network.mediaServers.securityGroupId,
        description: 'Security group of the media servers: Event Socket from the ESL functions only',
      });
    }
    new CfnOutput(this, 'MediaRelayRoleArn', { value: relayRole.roleArn });
    new CfnOutput(this, 'MediaRelayPolicyArn', { value: relayPolicy.managedPolicyArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });

    // cdk-nag findings we accept, each with the reason.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Lambda roles use AWSLambdaBasicExecutionRole only to write their own logs; every data permission is an explicit, resource-scoped statement.',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The API authenticates every request itself: a Bearer API key looked up by SHA-256 hash in DynamoDB, tenant-checked per call (docs/data-model.md).',
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        "Callers are customers' servers holding an application's API key, not users who sign in: there is no user pool to authorize against; the function authenticates the key before anything else (the spec's order).",
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        "The recordings function validates every request in the spec's order (authentication first, then JSON, then fields) with the spec's error codes; a gateway validator would answer before authentication, with its own codes.",
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role, which execution logs need: the AWS managed policy is the one AWS documents for it and holds only CloudWatch Logs actions.",
    });
    for (const fn of [recordings, mediaEventsFunction]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'A function in a VPC needs to create, describe and delete its network interfaces; those EC2 actions take no resource scope, and the managed policy holds only them and CloudWatch Logs writes.',
      });
    }
    for (const fn of [recordings, mediaEventsFunction, retentionSweep, sender, outboxRelay]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource-level permissions, so Lambda tracing needs them on "*"; no other statement of a function role has a wildcard resource (test/infra/least-privilege.test.ts).',
      });
    }
    Validations.of(alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The alarm topic carries only alarm names and states; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.',
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the webhook queue.',
    });
    Validations.of(outboxDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the on-failure destination of the outbox relay's stream event source.",
    });
    Validations.of(mediaEventDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the media-events queue.',
    });
    Validations.of(eslSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The FreeSWITCH event socket password must match event_socket.conf.xml on every media server, so ops rotate both together (docs/production-edge.md, "Rotating the ESL password") rather than a rotation Lambda.',
    });
  }
}
