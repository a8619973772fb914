import { Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
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

/** The item reads a grant may allow: single items, a few items at once, one partition's items. */
export type ReadAction = 'GetItem' | 'BatchGetItem' | 'Query';

/**
 * The item writes a grant may allow. No DeleteItem or BatchWriteItem: no function deletes an item (TTL
 * does). A transaction needs the action of each of its items, on that item's key (`Put` → PutItem,
 * `Update` → UpdateItem, `ConditionCheck` → ConditionCheckItem); there is no TransactWriteItems action.
 */
export type WriteAction = 'PutItem' | 'UpdateItem' | 'ConditionCheckItem';

/** Some actions on some item types: one statement. */
export interface ItemAccess<A extends string> {
  actions: A[];
  /** Partition-key patterns ({@link ITEM_KEYS}) of the only items these actions may touch. */
  items: string[];
}

/**
 * What a function may do on the table: one read statement; write statements, one per set of actions
 * (so an action one item type needs never reaches another: PutItem on a call is no PutItem on an
 * allowance); optionally Query on one index.
 */
export interface TableAccess {
  reads?: ItemAccess<ReadAction>;
  writes?: ItemAccess<WriteAction>[];
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
 * no leading key, and the condition would not hold it back. Each statement has an id (`TableRead`,
 * `TableWrite…`, `IndexQuery`), which also keeps CDK from merging a read and a write statement of the
 * same items into one.
 */
export function useTable(fn: NodejsFunction, table: TableV2, access: TableAccess) {
  const grant = (sid: string, actions: string[], resource: string, items: string[]) =>
    fn.addToRolePolicy(
      new PolicyStatement({
        sid,
        effect: Effect.ALLOW,
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [resource],
        conditions: leadingKeys(items),
      }),
    );
  if (access.reads) grant('TableRead', access.reads.actions, table.tableArn, access.reads.items);
  for (const [i, write] of (access.writes ?? []).entries()) {
    grant(`TableWrite${i === 0 ? '' : i + 1}`, write.actions, table.tableArn, write.items);
  }
  if (access.index) {
    grant('IndexQuery', ['Query'], `${table.tableArn}/index/${access.index.name}`, access.index.keys);
  }
  fn.addEnvironment('TABLE_NAME', table.tableName);
}

/** The key policy statement that keeps every principal but one from reading what a key sealed. */
export const ONLY_OPENER_SID = 'OnlyTheWebhookSenderDecrypts';

/**
 * Lets a function decrypt webhook secrets and names the key in `WEBHOOK_SECRETS_KEY_ID`: `kms:Decrypt`
 * on that key alone, and only with an encryption context made of `application_id` (the secret's own
 * application), as the sealer always sends. And makes it the only principal that can: the key policy
 * denies kms:Decrypt and kms:ReEncryptFrom (which would re-encrypt a secret under a key the caller can
 * decrypt) to every other principal, whatever IAM or grants allow it, the account root and
 * administrators included. Nothing else is denied: the root keeps administering the key (so it cannot
 * be locked out, and can lift this statement, in CloudTrail), operators keep kms:Encrypt to seal.
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
  if (!fn.role) throw new Error(`${fn.node.path} has no role to open webhook secrets with`);
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: ONLY_OPENER_SID,
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      // A role's sessions carry the role's ARN here (not the session's), whatever the session name.
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': fn.role.roleArn } },
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
