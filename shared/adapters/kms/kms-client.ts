import type { KMSClient } from '@aws-sdk/client-kms';
import { createAwsClients } from '../aws/aws-clients.ts';

/** Where the client connects; in AWS nothing is set and the SDK's environment applies (`AWS_ENDPOINT_URL_KMS` too). */
export interface KmsClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoint?: string;
}

/**
 * A KMS client alone, for tools that need no other: the one recipe's `kms` accessor (built on first use,
 * then kept). Code that has the process's {@link createAwsClients} uses its `kms` instead.
 */
export function lazyKmsClient(options: KmsClientOptions = {}): () => KMSClient {
  const { endpoint, ...rest } = options;
  return createAwsClients({ ...rest, ...(endpoint ? { endpoints: { kms: endpoint } } : {}) }).kms;
}
