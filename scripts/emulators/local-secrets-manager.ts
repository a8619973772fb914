// A small stand-in for AWS Secrets Manager, for tests and the bench (no Secrets Manager emulator installs
// here). It speaks the service's wire protocol (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`)
// for the one operation the service uses, GetSecretValue, so the real @aws-sdk/client-secrets-manager
// reaches it through AWS_ENDPOINT_URL_SECRETS_MANAGER and the adapter under test is the production one.
// Secrets are held in memory and can be rotated (`put`), as the ESL password is in AWS.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running stand-in: its endpoint, how to set a secret, the requests it served, and how to stop it. */
export interface RunningLocalSecretsManager {
  endpoint: string;
  /** Creates or rotates a secret (a new VersionId each time). */
  put(secretId: string, value: string): void;
  /** The headers of every request served, oldest first (tests check the operation and the signature). */
  readonly requests: IncomingHttpHeaders[];
  stop(): Promise<void>;
}

const MAX_REQUEST_BYTES = 64 * 1024;

/** An error answered the way Secrets Manager answers it: a status and `{"__type", "message"}`. */
class SecretsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new SecretsFault('InvalidRequestException', 'request too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new SecretsFault('SerializationException', 'the request body is not JSON');
  }
}

/** Starts the stand-in on 127.0.0.1 (a free port unless given), holding `secrets` (id or ARN → value). */
export async function startLocalSecretsManager(
  secrets: Record<string, string> = {},
  port = 0,
): Promise<RunningLocalSecretsManager> {
  const held = new Map<string, { value: string; version: string }>();
  const put = (secretId: string, value: string) => held.set(secretId, { value, version: randomUUID() });
  for (const [id, value] of Object.entries(secrets)) put(id, value);
  const requests: IncomingHttpHeaders[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const answer = (status: number, payload: unknown) => {
      res.writeHead(status, {
        'Content-Type': 'application/x-amz-json-1.1',
        'x-amzn-RequestId': randomUUID(),
      });
      res.end(JSON.stringify(payload));
    };
    try {
      requests.push(req.headers);
      // The signature itself is not checked (no IAM here), but an unsigned request is refused as AWS does.
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        throw new SecretsFault('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        throw new SecretsFault('UnknownOperationException', '');
      }
      const { SecretId } = await readJson(req);
      const secret = typeof SecretId === 'string' ? held.get(SecretId) : undefined;
      if (typeof SecretId !== 'string' || secret === undefined) {
        throw new SecretsFault(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        );
      }
      answer(200, {
        ARN: SecretId,
        Name: SecretId,
        SecretString: secret.value,
        VersionId: secret.version,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      });
    } catch (error) {
      const fault =
        error instanceof SecretsFault
          ? error
          : new SecretsFault('InternalServiceError', 'internal error', 500);
      answer(fault.status, { __type: fault.type, message: fault.message });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    put,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
