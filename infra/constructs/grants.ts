import { Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { RECORDING_OBJECTS, type RecordingBucket } from './recording-bucket.ts';

/**
 * Partition-key patterns of the single table's item types (shared/adapters/dynamodb/table-schema.ts,
 * `keys`), as IAM's `dynamodb:LeadingKeys` condition matches them (`*`: any rest of the key). A call's
 * recordings and outbox events live in the call's partition, so `call` covers all three.
 */
export const ITEM_KEYS = {
  apiKey: 'KEY#*',
  application: 'APP#*',
  call: 'CALL#*',
  delivery: 'DELIVERY#*',
  rate: 'RATE#*',
} as const;

/**
 * Partition values of the indexes, which a Query on an index is authorized by: an application's
 * deliveries by status and the purge list on GSI1, calls by channel on GSI2.
 */
export const INDEX_KEYS = {
  deliveries: 'DELIVERIES#*',
  purge: 'PURGE',
  channel: 'CHAN#*',
} as const;

/** What a function may do on the table: actions on some item types, and optionally Query on one index. */
export interface TableAccess {
  actions: string[];
  /** Partition-key patterns ({@link ITEM_KEYS}) of the only items these actions may touch. */
  items: string[];
  index?: { name: string; keys: string[] };
}

/** The condition limiting a DynamoDB statement to partition keys matching these patterns. */
export function leadingKeys(patterns: string[]) {
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns].sort() } };
}

/**
 * Gives a function exactly these DynamoDB actions on exactly these item types (a `dynamodb:LeadingKeys`
 * condition on every statement), Query on the index's partitions if asked, and sets `TABLE_NAME` in the
 * same call, so the permission and the name can never drift apart. The function never Scans: a Scan has
 * no leading key, and the condition would not hold it back.
 */
export function useTable(fn: NodejsFunction, table: TableV2, access: TableAccess) {
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: access.actions.map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
      conditions: leadingKeys(access.items),
    }),
  );
  if (access.index) {
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${access.index.name}`],
        conditions: leadingKeys(access.index.keys),
      }),
    );
  }
  fn.addEnvironment('TABLE_NAME', table.tableName);
}

/**
 * Lets a function decrypt webhook secrets and names the key in `WEBHOOK_SECRETS_KEY_ID`: `kms:Decrypt`
 * on that key alone, and only with an encryption context made of `application_id` (the secret's own
 * application), as the sealer always sends.
 */
export function openWebhookSecrets(fn: NodejsFunction, key: IKey) {
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['application_id'] },
        Null: { 'kms:EncryptionContext:application_id': 'false' },
      },
    }),
  );
  fn.addEnvironment('WEBHOOK_SECRETS_KEY_ID', key.keyArn);
}

/**
 * Lets a function send to a queue and sets the variable naming it (`WEBHOOK_QUEUE_URL` unless told), so
 * the permission and the URL can never drift apart.
 */
export function sendToQueue(fn: NodejsFunction, queue: Queue, variable = 'WEBHOOK_QUEUE_URL') {
  queue.grantSendMessages(fn);
  fn.addEnvironment(variable, queue.queueUrl);
}

/** What a principal may do with recording audio: S3 actions on `recordings/*`, KMS actions on the key. */
export interface RecordingAccess {
  s3: string[];
  kms?: string[];
}

/**
 * The statements for this access: S3 object actions scoped to `recordings/*` (never the bucket itself, so
 * no listing) and, if any, KMS actions on the recordings key alone.
 */
export function recordingStatements(storage: RecordingBucket, access: RecordingAccess): PolicyStatement[] {
  const statements = [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: access.s3.map((a) => `s3:${a}`),
      resources: [storage.bucket.arnForObjects(RECORDING_OBJECTS)],
    }),
  ];
  if (access.kms?.length) {
    statements.push(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: access.kms.map((a) => `kms:${a}`),
        resources: [storage.key.keyArn],
      }),
    );
  }
  return statements;
}

/**
 * Gives a function this access to recording audio and sets `RECORDINGS_BUCKET` in the same call (like
 * {@link useTable}); acknowledges the one wildcard it implies, the object prefix.
 */
export function useRecordings(fn: NodejsFunction, storage: RecordingBucket, access: RecordingAccess) {
  for (const statement of recordingStatements(storage, access)) fn.addToRolePolicy(statement);
  fn.addEnvironment('RECORDINGS_BUCKET', storage.bucket.bucketName);
  acknowledgeRecordingObjects(fn, storage);
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for `<bucket>/recordings/*` on this principal (and
 * only that resource): object keys are per customer and call, so no narrower ARN can exist at deploy time.
 */
export function acknowledgeRecordingObjects(scope: IConstruct, storage: RecordingBucket) {
  const bucketId = Stack.of(storage).getLogicalId(storage.bucket.node.defaultChild as CfnBucket);
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${RECORDING_OBJECTS}]`,
    reason:
      'Recording objects are keyed recordings/<customer_id>/<call_id>/<recording_id>.wav, created at run time; the grant covers that prefix of this one bucket, object actions only (no ListBucket).',
  });
}
