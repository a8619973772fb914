import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk, sqsSdk } from '../adapters/aws-sdk.ts';

/** The AWS SDK clients; endpoints come from the SDK's own environment (e.g. `AWS_ENDPOINT_URL_DYNAMODB`). */
export interface AwsClients {
  documents: DynamoDBDocumentClient;
  /** Built on first use, once per container (the recordings function often sends nothing). */
  sqs: () => Promise<SQSClient>;
}

/** Builds the SDK clients once; callers keep them for the life of the container. */
export function createAwsClients(): AwsClients {
  let sqs: Promise<SQSClient> | undefined;
  return {
    documents: documentSdk.DynamoDBDocumentClient.from(new dynamodbSdk.DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sqs: () => {
      sqs ??= Promise.resolve().then(() => new (sqsSdk().SQSClient)({}));
      return sqs;
    },
  };
}
