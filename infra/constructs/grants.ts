import { Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { RECORDING_OBJECTS, type RecordingBucket } from './recording-bucket.ts';

/**
 * Gives a function exactly these DynamoDB actions on the table (and, if asked, its GSI) and sets
 * `TABLE_NAME` in the same call, so the permission and the name can never drift apart.
 */
export function useTable(
  fn: NodejsFunction,
  table: TableV2,
  actions: string[],
  options: { index?: string } = {},
) {
  const resources = [table.tableArn];
  if (options.index) resources.push(`${table.tableArn}/index/${options.index}`);
  fn.addToRolePolicy(
    new PolicyStatement({ effect: Effect.ALLOW, actions: actions.map((a) => `dynamodb:${a}`), resources }),
  );
  fn.addEnvironment('TABLE_NAME', table.tableName);
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
