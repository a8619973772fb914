import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Reads a secret's string value (once, at cold start). A JSON secret `{"password": "…"}` yields its
 * `password` field, so the secret can be managed by tools that store JSON objects.
 */
export async function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
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
