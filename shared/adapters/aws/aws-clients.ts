import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk, sqsSdk } from './aws-sdk.ts';

/**
 * Where the clients connect. In AWS nothing is set and the SDK's own environment applies (region,
 * credentials, `AWS_ENDPOINT_URL_*`); local tools point them at the emulators explicitly.
 */
export interface AwsClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoints?: { dynamodb?: string; sqs?: string };
  /** The SDK's attempts per request (its default is 3). */
  maxAttempts?: number;
}

/** The AWS SDK clients of one process or container. */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  /** The document client over `dynamodb` (plain JavaScript values, undefined attributes dropped). */
  documents: DynamoDBDocumentClient;
  /** Built on first use (the recordings function often sends nothing), then kept. */
  sqs: () => SQSClient;
  /** Closes the clients' connections (scripts and tests; a Lambda container keeps them). */
  destroy: () => void;
}

/** Credentials the local emulators accept (DynamoDB Local wants alphanumeric access key ids). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The region of local runs. */
export const LOCAL_REGION = 'eu-west-1';

/** The one recipe for SDK clients, used by the functions, scripts, tests and the bench alike. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const base = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  const dynamodb = new dynamodbSdk.DynamoDBClient({
    ...base,
    ...(options.endpoints?.dynamodb ? { endpoint: options.endpoints.dynamodb } : {}),
  });
  let sqs: SQSClient | undefined;
  return {
    dynamodb,
    documents: documentSdk.DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sqs: () => {
      sqs ??= new (sqsSdk().SQSClient)({
        ...base,
        ...(options.endpoints?.sqs ? { endpoint: options.endpoints.sqs } : {}),
      });
      return sqs;
    },
    destroy: () => {
      dynamodb.destroy();
      sqs?.destroy();
    },
  };
}

/** Clients for the local emulators at these endpoints. */
export function createLocalAwsClients(endpoints: { dynamodb: string; sqs: string }): AwsClients {
  return createAwsClients({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoints });
}
