import { createRequire } from 'node:module';

// Why require(): it loads an SDK synchronously at the moment it is first needed, so the functions that
// often send nothing (SQS), need no secret (Secrets Manager, KMS) or read no stream never pay for loading
// them at cold start. Every SDK the clients use is loaded here, nowhere else.
// (On Node 20 it also skipped a ~50 ms export-name scan that `import` did; on Node 24 both cost the same,
// see docs/performance.md.) Types stay exact.
const load = createRequire(import.meta.url);

/** `@aws-sdk/client-dynamodb`, loaded through require (see above). */
export const dynamodbSdk: typeof import('@aws-sdk/client-dynamodb') = load('@aws-sdk/client-dynamodb');

/** `@aws-sdk/lib-dynamodb` (the document client and its commands). */
export const documentSdk: typeof import('@aws-sdk/lib-dynamodb') = load('@aws-sdk/lib-dynamodb');

/** `@aws-sdk/util-dynamodb` (marshalling). */
export const marshallSdk: typeof import('@aws-sdk/util-dynamodb') = load('@aws-sdk/util-dynamodb');

/** `@aws-sdk/client-sqs`, loaded on first use: the recordings function often sends nothing. */
export function sqsSdk(): typeof import('@aws-sdk/client-sqs') {
  return load('@aws-sdk/client-sqs');
}

/** `@aws-sdk/client-secrets-manager`, loaded only where a secret is configured. */
export function secretsManagerSdk(): typeof import('@aws-sdk/client-secrets-manager') {
  return load('@aws-sdk/client-secrets-manager');
}

/** `@aws-sdk/client-s3`, loaded on first use: only the download and delete routes touch storage. */
export function s3Sdk(): typeof import('@aws-sdk/client-s3') {
  return load('@aws-sdk/client-s3');
}

/** `@aws-sdk/s3-request-presigner`, loaded with the first download link. */
export function presignerSdk(): typeof import('@aws-sdk/s3-request-presigner') {
  return load('@aws-sdk/s3-request-presigner');
}

/** `@aws-sdk/client-kms`, loaded on first use: only the webhook sender and the admin CLI open secrets. */
export function kmsSdk(): typeof import('@aws-sdk/client-kms') {
  return load('@aws-sdk/client-kms');
}

/** `@aws-sdk/client-dynamodb-streams`, loaded on first use: only local tools read the table's stream. */
export function streamsSdk(): typeof import('@aws-sdk/client-dynamodb-streams') {
  return load('@aws-sdk/client-dynamodb-streams');
}
