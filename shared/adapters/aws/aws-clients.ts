import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentSdk, dynamodbSdk, s3Sdk, sqsSdk } from './aws-sdk.ts';

/**
 * Where the clients connect. In AWS nothing is set and the SDK's own environment applies (region,
 * credentials, `AWS_ENDPOINT_URL_*`); local tools point them at the emulators explicitly.
 */
export interface AwsClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoints?: { dynamodb?: string; sqs?: string; s3?: string };
  /** Address buckets in the path (`http://host/bucket/key`), as S3 emulators need. */
  s3PathStyle?: boolean;
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
  /** Built on first use (only downloads, deletions and uploads touch storage), then kept. */
  s3: () => S3Client;
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
  let s3: S3Client | undefined;
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
    s3: () => {
      s3 ??= new (s3Sdk().S3Client)(s3Config(base, options));
      return s3;
    },
    destroy: () => {
      dynamodb.destroy();
      sqs?.destroy();
      s3?.destroy();
    },
  };
}

/**
 * S3 settings. Checksums only where S3 requires them: with the SDK's default (a CRC trailer on every
 * upload), a streamed PutObject goes out `aws-chunked`, which S3 emulators store verbatim, corrupting
 * the object; and pre-signed URLs would carry the checksum of an empty body. Uploads carry Content-MD5
 * instead, which S3 checks.
 */
function s3Config(base: Partial<S3ClientConfig>, options: AwsClientOptions): S3ClientConfig {
  return {
    ...base,
    ...(options.endpoints?.s3 ? { endpoint: options.endpoints.s3 } : {}),
    ...(options.s3PathStyle ? { forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** Clients for the local emulators at these endpoints. */
export function createLocalAwsClients(endpoints: { dynamodb: string; sqs: string; s3?: string }): AwsClients {
  return createAwsClients({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoints,
    s3PathStyle: true,
  });
}
