import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecretString } from '../../shared/adapters/secrets/secrets-manager-secret.ts';

// No Secrets Manager emulator installs here, so this server answers GetSecretValue in the service's
// own JSON 1.1 wire format; the real SDK client talks to it.
const secrets: Record<string, string> = {
  'arn:esl-plain': 'ClueCon',
  'arn:esl-json': '{"password":"FromJson","username":"ignored"}',
  'arn:esl-json-without-password': '{"user":"x"}',
};
let server: Server;
let client: SecretsManagerClient;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push(req.headers);
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      const value = secrets[SecretId];
      res.setHeader('Content-Type', 'application/x-amz-json-1.1');
      if (value === undefined) {
        res.writeHead(400).end(
          JSON.stringify({
            __type: 'ResourceNotFoundException',
            message: "Secrets Manager can't find the specified secret.",
          }),
        );
        return;
      }
      res
        .writeHead(200)
        .end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    maxAttempts: 1,
  });
});
afterAll(() => {
  server.close();
});

describe('readSecretString', () => {
  it('sends GetSecretValue and returns a plain secret', async () => {
    expect(await readSecretString('arn:esl-plain', client)).toBe('ClueCon');
    expect(seen.at(-1)?.['x-amz-target']).toBe('secretsmanager.GetSecretValue');
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
