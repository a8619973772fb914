import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerSdk } from '../aws/aws-sdk.ts';

/**
 * Reads a secret's string value (once, at cold start). A JSON secret `{"password": "…"}` yields its
 * `password` field, so the secret can be managed by tools that store JSON objects.
 */
export async function readSecretString(secretId: string, client: SecretsManagerClient): Promise<string> {
  const { GetSecretValueCommand } = secretsManagerSdk();
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
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

/**
 * Reads secrets through one Secrets Manager client, `client()` (e.g. the one recipe's `secretsManager`),
 * which is asked for only at the first read: nothing is built or loaded where no secret is configured.
 */
export function secretsManagerReader(
  client: () => SecretsManagerClient,
): (secretId: string) => Promise<string> {
  return (secretId) => readSecretString(secretId, client());
}
