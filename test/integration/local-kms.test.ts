import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LOCAL_KMS_ACCOUNT,
  LOCAL_WEBHOOK_SECRETS_KEY,
  startLocalKms,
} from '../../scripts/emulators/local-kms.ts';
import { OTHER_TEST_KEY } from '../support/kms.ts';

// The stand-in of the global setup, reached as in the service: the real SDK through AWS_ENDPOINT_URL_KMS.
const kms = new KMSClient({});
const KEY = LOCAL_WEBHOOK_SECRETS_KEY;
const KEY_ARN = `arn:aws:kms:eu-west-1:${LOCAL_KMS_ACCOUNT}:key/${KEY.id}`;
const CONTEXT = { application_id: 'app_1' };
const scratch: string[] = [];

afterAll(async () => {
  kms.destroy();
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

const encrypt = async (keyId: string, context: Record<string, string> = CONTEXT, text = 'whsec_x') =>
  (
    await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text), EncryptionContext: context }),
    )
  ).CiphertextBlob as Uint8Array;
const decrypt = async (blob: Uint8Array, context: Record<string, string> = CONTEXT, keyId?: string) =>
  Buffer.from(
    (
      await kms.send(
        new DecryptCommand({
          CiphertextBlob: blob,
          EncryptionContext: context,
          ...(keyId ? { KeyId: keyId } : {}),
        }),
      )
    ).Plaintext as Uint8Array,
  ).toString();
/** The name of the error a KMS call fails with (the SDK's typed exception). */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => 'no error',
    (error: Error) => error.name,
  );

describe('the local KMS stand-in, through @aws-sdk/client-kms', () => {
  it.each([
    ['key id', KEY.id],
    ['key ARN', KEY_ARN],
    ['alias', KEY.alias as string],
    ['alias ARN', `arn:aws:kms:eu-west-1:${LOCAL_KMS_ACCOUNT}:${KEY.alias}`],
  ])('encrypts with a key named by its %s, answering the key ARN', async (_form, keyId) => {
    const out = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('whsec_x'), EncryptionContext: CONTEXT }),
    );

    expect([out.KeyId, out.EncryptionAlgorithm]).toEqual([KEY_ARN, 'SYMMETRIC_DEFAULT']);
  });

  it('decrypts under the same encryption context, finding the key in the ciphertext', async () => {
    expect(await decrypt(await encrypt(KEY.alias as string))).toBe('whsec_x');
  });

  it('accepts the context in another order', async () => {
    const blob = await encrypt(KEY.id, { a: '1', b: '2' });

    expect(await decrypt(blob, { b: '2', a: '1' })).toBe('whsec_x');
  });

  it('encrypts the same plaintext differently each time', async () => {
    const [a, b] = await Promise.all([encrypt(KEY.id), encrypt(KEY.id)]);

    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses another encryption context with InvalidCiphertextException', async () => {
    const blob = await encrypt(KEY.id);

    expect(await failure(decrypt(blob, { application_id: 'app_2' }))).toBe('InvalidCiphertextException');
  });

  it('refuses a missing encryption context with InvalidCiphertextException', async () => {
    const blob = await encrypt(KEY.id);

    expect(await failure(decrypt(blob, {}))).toBe('InvalidCiphertextException');
  });

  it('refuses an altered ciphertext with InvalidCiphertextException', async () => {
    const blob = Buffer.from(await encrypt(KEY.id));
    blob.writeUInt8(blob.readUInt8(blob.length - 1) ^ 1, blob.length - 1);

    expect(await failure(decrypt(blob))).toBe('InvalidCiphertextException');
  });

  it('refuses a blob that is no ciphertext of it with InvalidCiphertextException', async () => {
    expect(await failure(decrypt(Buffer.from('not a ciphertext blob at all, not even close')))).toBe(
      'InvalidCiphertextException',
    );
  });

  it('refuses to decrypt with a key other than the ciphertext names, with IncorrectKeyException', async () => {
    const blob = await encrypt(OTHER_TEST_KEY.id);

    expect(await failure(decrypt(blob, CONTEXT, KEY.alias))).toBe('IncorrectKeyException');
  });

  it.each([
    ['an unknown key id', '11111111-2222-4333-8444-555555555555'],
    ['an unknown alias', 'alias/nobody'],
    ['a key ARN of another account', `arn:aws:kms:eu-west-1:123456789012:key/${KEY.id}`],
  ])('answers NotFoundException for %s', async (_what, keyId) => {
    expect(await failure(encrypt(keyId))).toBe('NotFoundException');
  });

  it("refuses a plaintext over KMS's 4 KiB with ValidationException", async () => {
    expect(await failure(encrypt(KEY.id, CONTEXT, 'x'.repeat(4097)))).toBe('ValidationException');
  });

  it('answers UnknownOperationException for an operation it does not implement', async () => {
    expect(await failure(kms.send(new GenerateDataKeyCommand({ KeyId: KEY.id, KeySpec: 'AES_256' })))).toBe(
      'UnknownOperationException',
    );
  });

  it('refuses an unsigned request as KMS does', async () => {
    const response = await fetch(String(process.env.AWS_ENDPOINT_URL_KMS), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.Encrypt' },
      body: JSON.stringify({ KeyId: KEY.id, Plaintext: Buffer.from('x').toString('base64') }),
    });

    expect([response.status, await response.json()]).toEqual([
      400,
      { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    ]);
  });

  it('keeps its key material in a file, so what it encrypted still decrypts after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'minivoice-kms-'));
    scratch.push(dir);
    const materialFile = join(dir, 'kms', 'keys.json');
    const first = await startLocalKms({ keys: [KEY], materialFile });
    const client = (endpoint: string) => new KMSClient({ endpoint });
    const blob = (
      await client(first.endpoint).send(
        new EncryptCommand({
          KeyId: KEY.id,
          Plaintext: Buffer.from('whsec_kept'),
          EncryptionContext: CONTEXT,
        }),
      )
    ).CiphertextBlob as Uint8Array;
    await first.stop();

    const second = await startLocalKms({ keys: [KEY], materialFile });
    const out = await client(second.endpoint).send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: CONTEXT }),
    );
    await second.stop();

    expect(Buffer.from(out.Plaintext as Uint8Array).toString()).toBe('whsec_kept');
    expect((await stat(materialFile)).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(await readFile(materialFile, 'utf8')))).toEqual([KEY.id]);
  });
});
