import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';

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

/** Lets a function send to the webhook queue and sets `WEBHOOK_QUEUE_URL`. */
export function sendToQueue(fn: NodejsFunction, queue: Queue) {
  queue.grantSendMessages(fn);
  fn.addEnvironment('WEBHOOK_QUEUE_URL', queue.queueUrl);
}
