import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The AWS SDK clients; endpoints come from the SDK's own environment (e.g. `AWS_ENDPOINT_URL_DYNAMODB`). */
export interface AwsClients {
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
}

/** Builds the SDK clients once; callers keep them for the life of the container. */
export function createAwsClients(): AwsClients {
  return {
    documents: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sqs: new SQSClient({}),
  };
}
