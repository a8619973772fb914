import type { S3ClientConfig } from '@aws-sdk/client-s3';

// The settings half of the one client recipe, apart from the clients so that it loads no SDK: the
// media relay (one esbuild bundle, no node_modules beside it) builds its two clients from these with
// static imports, while everything else goes through createAwsClients (aws-clients.ts).

/** The services the project talks to, as named in {@link AwsClientOptions.endpoints}. */
export type AwsService = 'dynamodb' | 'streams' | 'sqs' | 's3' | 'kms' | 'secretsManager';

/**
 * Where the clients connect. In AWS nothing is set and the SDK's own environment applies (region,
 * credentials, `AWS_ENDPOINT_URL_*`); local tools point them at the emulators explicitly.
 */
export interface AwsClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Each service's endpoint (`streams` is the DynamoDB Streams API, which DynamoDB Local serves at its own). */
  endpoints?: Partial<Record<AwsService, string>>;
  /** Address buckets in the path (`http://host/bucket/key`), as S3 emulators need. */
  s3PathStyle?: boolean;
  /** The SDK's attempts per request (its default is 3). */
  maxAttempts?: number;
}

/** The settings every client takes, whatever its service. */
export interface AwsClientConfig {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
  endpoint?: string;
}

/** The SDK settings of one service's client. */
export function awsClientConfig(options: AwsClientOptions, service: AwsService): AwsClientConfig {
  const endpoint = options.endpoints?.[service];
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * The S3 client's settings. Checksums only where S3 requires them: with the SDK's default (a CRC
 * trailer on every upload), a streamed PutObject goes out `aws-chunked`, which S3 emulators store
 * verbatim, corrupting the object; and pre-signed URLs would carry the checksum of an empty body.
 * Uploads carry Content-MD5 instead, which S3 checks.
 */
export function s3ClientConfig(options: AwsClientOptions): S3ClientConfig {
  return {
    ...awsClientConfig(options, 's3'),
    ...(options.s3PathStyle ? { forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}
