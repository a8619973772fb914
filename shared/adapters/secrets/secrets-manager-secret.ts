import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerSdk } from '../aws/aws-sdk.ts';

/**
 * Reads a secret's string value (once, at cold start). A JSON secret `{"password": "…"}` yields its
 * `password` field, so the secret can be managed by tools that store JSON objects. The Secrets Manager
 * SDK is loaded only here, so functions without a secret do not pay for it at cold start.
 */
export async function readSecretString(secretId: string, client?: SecretsManagerClient): Promise<string> {
  const sdk = secretsManagerSdk();
  const out = await (client ?? new sdk.SecretsManagerClient({})).send(
    new sdk.GetSecretValueCommand({ SecretId: secretId }),
  );
  const value = out.SecretString;
  if (!value) throw new Error(`secret ${secretId} has no string value`);
  if (value.trimStart().startsWith('{')) {
    const parsed = JSON.parse(value) as { password?: unknown };
    if (typeof parsed.password !== 'string' || parsed.password === '') {
      throw new Error(`secret ${secretId} is JSON without a "password" field`);
    }
    return parsed.password;
  }
  return value;
}
