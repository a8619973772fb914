// A small stand-in for AWS KMS, for tests and `npm start` (there is no KMS emulator to install here).
// It speaks KMS's wire protocol (AWS JSON 1.1, `X-Amz-Target: TrentService.<Operation>`) for the two
// operations the service uses, Encrypt and Decrypt, so the real @aws-sdk/client-kms reaches it through
// AWS_ENDPOINT_URL_KMS and the adapter under test is the production one. Behaviour and limits:
// docs/webhooks.md ("The local KMS stand-in").
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

/** A symmetric key the stand-in knows: its key id (a UUID, as KMS's) and optionally an alias. */
export interface LocalKmsKey {
  id: string;
  /** `alias/<name>`. */
  alias?: string;
}

/** Options of {@link startLocalKms}. */
export interface LocalKmsOptions {
  keys: LocalKmsKey[];
  /** 0 (default): a free port. Always bound to 127.0.0.1. */
  port?: number;
  /**
   * Where the keys' material is kept (JSON, created on first start, mode 0600), so ciphertexts stored
   * in a persistent table still decrypt after a restart. Without it the material lives in memory only.
   */
  materialFile?: string;
  region?: string;
  account?: string;
}

/** A running stand-in: its endpoint, the ARN of each key, and how to stop it. */
export interface RunningLocalKms {
  endpoint: string;
  /** `arn:aws:kms:<region>:<account>:key/<id>`. */
  keyArn(id: string): string;
  stop(): Promise<void>;
}

/** The account id in the stand-in's ARNs. */
export const LOCAL_KMS_ACCOUNT = '000000000000';

/** The key `npm start` and the tests seal webhook secrets with (WEBHOOK_SECRETS_KEY_ID may name its alias). */
export const LOCAL_WEBHOOK_SECRETS_KEY: LocalKmsKey = {
  id: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b',
  alias: 'alias/minivoice-webhook-secrets',
};

const BLOB_VERSION = 1;
const KEY_ID_BYTES = 36; // a UUID in ASCII
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_PLAINTEXT_BYTES = 4096; // KMS's own limit for Encrypt
const MAX_CIPHERTEXT_BYTES = 6144; // and for Decrypt
const MAX_REQUEST_BYTES = 64 * 1024;

/** An error answered the way KMS answers it: a status and `{"__type", "message"}`. */
class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The encryption context as additional authenticated data: its pairs sorted by key, so the same
 * context in any order authenticates (as in KMS) and any other context does not.
 */
function contextAad(context: Record<string, string>): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

/** Starts the stand-in on 127.0.0.1. */
export async function startLocalKms(options: LocalKmsOptions): Promise<RunningLocalKms> {
  const region = options.region ?? 'eu-west-1';
  const account = options.account ?? LOCAL_KMS_ACCOUNT;
  const material = await loadMaterial(options.keys, options.materialFile);
  const keyArn = (id: string) => `arn:aws:kms:${region}:${account}:key/${id}`;
  const aliasArnPrefix = `arn:aws:kms:${region}:${account}:`;

  /** The key a `KeyId` names: key id, key ARN, alias name or alias ARN (as KMS accepts them). */
  function resolveKey(keyId: unknown): string {
    if (typeof keyId !== 'string' || keyId === '') {
      throw new KmsFault('ValidationException', '1 validation error detected: KeyId must not be empty');
    }
    const fromArn = keyId.startsWith(aliasArnPrefix);
    const local = fromArn ? keyId.slice(aliasArnPrefix.length) : keyId;
    const bareId = fromArn ? (local.startsWith('key/') ? local.slice(4) : '') : local;
    const found = local.startsWith('alias/')
      ? options.keys.find((key) => key.alias === local)?.id
      : options.keys.find((key) => key.id === bareId)?.id;
    if (found === undefined || (keyId.startsWith('arn:') && !fromArn)) {
      throw local.startsWith('alias/')
        ? new KmsFault('NotFoundException', `Alias ${aliasArnPrefix}${local} is not found.`)
        : new KmsFault(
            'NotFoundException',
            `Key '${keyId.startsWith('arn:') ? keyId : keyArn(keyId)}' does not exist`,
          );
    }
    return found;
  }

  function encrypt(body: Record<string, unknown>) {
    const id = resolveKey(body.KeyId);
    const plaintext = blob(body.Plaintext, 'Plaintext', MAX_PLAINTEXT_BYTES);
    const context = encryptionContext(body.EncryptionContext);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', material.get(id) as Buffer, iv);
    cipher.setAAD(contextAad(context));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const ciphertext = Buffer.concat([
      Buffer.from([BLOB_VERSION]),
      Buffer.from(id, 'ascii'),
      iv,
      cipher.getAuthTag(),
      sealed,
    ]);
    return {
      CiphertextBlob: ciphertext.toString('base64'),
      KeyId: keyArn(id),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  }

  function decrypt(body: Record<string, unknown>) {
    const ciphertext = blob(body.CiphertextBlob, 'CiphertextBlob', MAX_CIPHERTEXT_BYTES);
    const context = encryptionContext(body.EncryptionContext);
    const headerBytes = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
    const id = ciphertext.subarray(1, 1 + KEY_ID_BYTES).toString('ascii');
    // KMS says no more than this about a blob it cannot use: nothing to learn from the answer.
    const invalid = new KmsFault('InvalidCiphertextException', '');
    if (ciphertext.length <= headerBytes || ciphertext[0] !== BLOB_VERSION || !material.has(id))
      throw invalid;
    if (body.KeyId !== undefined && resolveKey(body.KeyId) !== id) {
      throw new KmsFault(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
    const iv = ciphertext.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
    const tag = ciphertext.subarray(1 + KEY_ID_BYTES + IV_BYTES, headerBytes);
    const decipher = createDecipheriv('aes-256-gcm', material.get(id) as Buffer, iv);
    decipher.setAAD(contextAad(context));
    decipher.setAuthTag(tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext.subarray(headerBytes)), decipher.final()]);
    } catch {
      throw invalid; // a wrong context or an altered blob fails authentication alike
    }
    return {
      Plaintext: plaintext.toString('base64'),
      KeyId: keyArn(id),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    'TrentService.Encrypt': encrypt,
    'TrentService.Decrypt': decrypt,
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const answer = (status: number, payload: unknown, type?: string) => {
      res.writeHead(status, {
        'Content-Type': 'application/x-amz-json-1.1',
        'x-amzn-RequestId': randomUUID(),
        ...(type ? { 'X-Amzn-ErrorType': type } : {}),
      });
      res.end(JSON.stringify(payload));
    };
    try {
      if (req.method !== 'POST') throw new KmsFault('UnknownOperationException', '', 404);
      // The signature itself is not checked (no IAM here), but an unsigned request is refused as KMS does.
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        throw new KmsFault('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      const operation = operations[String(req.headers['x-amz-target'])];
      if (!operation) throw new KmsFault('UnknownOperationException', '');
      answer(200, operation(await readJson(req)));
    } catch (error) {
      const fault =
        error instanceof KmsFault ? error : new KmsFault('KMSInternalException', 'internal error', 500);
      answer(fault.status, { __type: fault.type, message: fault.message }, fault.type);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    keyArn,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base64 blob field of a request, within KMS's size limits. */
function blob(value: unknown, field: string, maxBytes: number): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (bytes.length < 1 || bytes.length > maxBytes) {
    throw new KmsFault(
      'ValidationException',
      `1 validation error detected: Value at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must have length between 1 and ${maxBytes}`,
    );
  }
  return bytes;
}

/** The request's encryption context: string keys to string values (absent: empty). */
function encryptionContext(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (
    typeof value !== 'object' ||
    value === null ||
    Object.values(value).some((entry) => typeof entry !== 'string')
  ) {
    throw new KmsFault('ValidationException', 'EncryptionContext must map strings to strings');
  }
  return value as Record<string, string>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new KmsFault('ValidationException', 'request too large', 413);
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new KmsFault('SerializationException', 'the request body is not a JSON object');
}

/** Each key's 256-bit material: from `file` when it has it, otherwise new (and then written there). */
async function loadMaterial(keys: LocalKmsKey[], file: string | undefined): Promise<Map<string, Buffer>> {
  for (const key of keys) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(key.id)) {
      throw new Error(`local KMS key id ${key.id} is not a lower-case UUID`);
    }
  }
  const stored: Record<string, string> = file
    ? JSON.parse(await readFile(file, 'utf8').catch(() => '{}'))
    : {};
  const material = new Map(keys.map((key) => [key.id, Buffer.from(stored[key.id] ?? '', 'base64')]));
  let added = false;
  for (const [id, bytes] of material) {
    if (bytes.length === 32) continue;
    material.set(id, randomBytes(32));
    added = true;
  }
  if (file && added) {
    await mkdir(dirname(file), { recursive: true });
    const all = {
      ...stored,
      ...Object.fromEntries([...material].map(([id, b]) => [id, b.toString('base64')])),
    };
    await writeFile(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }
  return material;
}
