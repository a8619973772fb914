import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningLocalSecretsManager,
  startLocalSecretsManager,
} from '../../scripts/emulators/local-secrets-manager.ts';
import { readSecretString } from '../../shared/adapters/secrets/secrets-manager-secret.ts';

// No Secrets Manager emulator installs here: the stand-in (scripts/emulators/local-secrets-manager.ts)
// answers GetSecretValue in the service's own JSON 1.1 wire format, and the real SDK client talks to it.
let secretsManager: RunningLocalSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  secretsManager = await startLocalSecretsManager({
    'arn:esl-plain': 'ClueCon',
    'arn:esl-json': '{"password":"FromJson","username":"ignored"}',
    'arn:esl-json-without-password': '{"user":"x"}',
  });
  client = new SecretsManagerClient({
    endpoint: secretsManager.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await secretsManager.stop();
});

describe('readSecretString', () => {
  it('sends GetSecretValue and returns a plain secret', async () => {
    expect(await readSecretString('arn:esl-plain', client)).toBe('ClueCon');
    expect(secretsManager.requests.at(-1)?.['x-amz-target']).toBe('secretsmanager.GetSecretValue');
  });

  it('returns the password field of a JSON secret', async () => {
    expect(await readSecretString('arn:esl-json', client)).toBe('FromJson');
  });

  it('fails clearly for a JSON secret without a password', async () => {
    await expect(readSecretString('arn:esl-json-without-password', client)).rejects.toThrow(
      'secret arn:esl-json-without-password is JSON without a "password" field',
    );
  });

  it('surfaces a missing secret as the service error', async () => {
    await expect(readSecretString('arn:missing', client)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('the Secrets Manager stand-in', () => {
  it('refuses an unsigned request as AWS does', async () => {
    const res = await fetch(secretsManager.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: 'arn:esl-plain' }),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 400,
      body: { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    });
  });

  it('serves a rotated secret from the next read', async () => {
    secretsManager.put('arn:rotating', 'first');
    expect(await readSecretString('arn:rotating', client)).toBe('first');
    secretsManager.put('arn:rotating', 'second');
    expect(await readSecretString('arn:rotating', client)).toBe('second');
  });
});
