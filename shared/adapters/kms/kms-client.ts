import { createRequire } from 'node:module';
import type { KMSClient } from '@aws-sdk/client-kms';

// Loaded through require at first use, as the other SDKs (shared/adapters/aws/aws-sdk.ts): only the
// webhook sender and the admin CLI ever touch KMS, and the sender only for applications with a secret.
const load = createRequire(import.meta.url);

/** `@aws-sdk/client-kms`, loaded on first use. */
export function kmsSdk(): typeof import('@aws-sdk/client-kms') {
  return load('@aws-sdk/client-kms');
}

/** Where the client connects; in AWS nothing is set and the SDK's environment applies (`AWS_ENDPOINT_URL_KMS` too). */
export interface KmsClientOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  endpoint?: string;
}

/** A KMS client, built on first use and then kept (one per process or container). */
export function lazyKmsClient(options: KmsClientOptions = {}): () => KMSClient {
  let client: KMSClient | undefined;
  return () => {
    client ??= new (kmsSdk().KMSClient)({
      ...(options.region ? { region: options.region } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    return client;
  };
}
