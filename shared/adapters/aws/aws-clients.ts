import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, awsClientConfig, s3ClientConfig } from './aws-client-config.ts';
import { documentSdk, dynamodbSdk, kmsSdk, s3Sdk, secretsManagerSdk, sqsSdk, streamsSdk } from './aws-sdk.ts';

/**
 * The AWS SDK clients of one process or container. Each is built on first use, then kept: a function
 * loads and builds only the clients it touches (the recordings function often sends nothing; only the
 * webhook sender opens secrets with KMS; only local tools read the table's stream).
 */
export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** The document client over `dynamodb` (plain JavaScript values, undefined attributes dropped). */
  readonly documents: DynamoDBDocumentClient;
  sqs: () => SQSClient;
  /** Only downloads, deletions and uploads touch storage. */
  s3: () => S3Client;
  /** Opens and seals webhook secrets (the webhook sender, the admin CLI). */
  kms: () => KMSClient;
  /** Reads the Event Socket password where it is kept in Secrets Manager. */
  secretsManager: () => SecretsManagerClient;
  /**
   * The table's stream (DynamoDB Streams API): only the local stand-in for Lambda's event-source
   * mapping reads it, so its SDK is a dev dependency (the Lambda runtime ships it anyway).
   */
  streams: () => DynamoDBStreamsClient;
  /** Closes the connections of the clients built so far (scripts and tests; a Lambda container keeps them). */
  destroy: () => void;
}

/** Credentials the local emulators accept (DynamoDB Local wants alphanumeric access key ids). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The region of local runs. */
export const LOCAL_REGION = 'eu-west-1';

type Destroyable = { destroy: () => void };

/** A client built by `build` on first use, then kept; `built` lists the ones built, for destroy(). */
function once<C extends Destroyable>(built: Set<Destroyable>, build: () => C): () => C {
  let client: C | undefined;
  return () => {
    if (!client) {
      client = build();
      built.add(client);
    }
    return client;
  };
}

/** The one recipe for SDK clients, used by the functions, scripts, tests and the bench alike. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const built = new Set<Destroyable>();
  const dynamodb = once(built, () => new dynamodbSdk.DynamoDBClient(awsClientConfig(options, 'dynamodb')));
  let documents: DynamoDBDocumentClient | undefined;
  return {
    get dynamodb() {
      return dynamodb();
    },
    get documents() {
      documents ??= documentSdk.DynamoDBDocumentClient.from(dynamodb(), {
        marshallOptions: { removeUndefinedValues: true },
      });
      return documents;
    },
    sqs: once(built, () => new (sqsSdk().SQSClient)(awsClientConfig(options, 'sqs'))),
    s3: once(built, () => new (s3Sdk().S3Client)(s3ClientConfig(options))),
    kms: once(built, () => new (kmsSdk().KMSClient)(awsClientConfig(options, 'kms'))),
    secretsManager: once(
      built,
      () => new (secretsManagerSdk().SecretsManagerClient)(awsClientConfig(options, 'secretsManager')),
    ),
    streams: once(built, () => new (streamsSdk().DynamoDBStreamsClient)(awsClientConfig(options, 'streams'))),
    destroy: () => {
      for (const client of built) client.destroy();
    },
  };
}

/**
 * Clients for the local emulators at these endpoints. DynamoDB Local serves the table's stream at its
 * own endpoint.
 */
export function createLocalAwsClients(endpoints: {
  dynamodb: string;
  sqs: string;
  s3?: string;
  kms?: string;
}): AwsClients {
  return createAwsClients({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoints: { ...endpoints, streams: endpoints.dynamodb },
    s3PathStyle: true,
  });
}
