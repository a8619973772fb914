import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
    documents: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sqs: () => {
      sqs ??= import('@aws-sdk/client-sqs').then(({ SQSClient: Client }) => new Client({}));
      return sqs;
    },
  };
}
