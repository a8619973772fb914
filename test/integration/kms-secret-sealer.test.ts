import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyKmsClient } from '../../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../../shared/adapters/kms/kms-secret-sealer.ts';
import { SealedSecretError } from '../../shared/webhooks/ports.ts';
import { createTestSealer, OTHER_TEST_KEY, TEST_SECRETS_KEY_ID } from '../support/kms.ts';

const kms = new KMSClient({});
afterAll(() => kms.destroy());
const sealer = createTestSealer();

/** What a call fails with: its error's class name, and whether the sealer judged the value unopenable. */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => 'no error',
    (error: Error) =>
      error instanceof SealedSecretError ? `SealedSecretError: ${error.message}` : error.name,
  );

describe('the KMS secret sealer', () => {
  it('stores "kms:" and the base64 of a KMS ciphertext bound to the application by its encryption context', async () => {
    const sealed = await sealer.seal('whsec_abc', 'app_1');
    const out = await kms.send(
      new DecryptCommand({
        KeyId: TEST_SECRETS_KEY_ID,
        CiphertextBlob: Buffer.from(sealed.slice('kms:'.length), 'base64'),
        EncryptionContext: { application_id: 'app_1' },
      }),
    );

    expect([sealed.startsWith('kms:'), Buffer.from(out.Plaintext as Uint8Array).toString()]).toEqual([
      true,
      'whsec_abc',
    ]);
  });

  it('refuses a value sealed with another key, naming why', async () => {
    const sealed = await createTestSealer(OTHER_TEST_KEY.alias).seal('whsec_abc', 'app_1');

    expect(await failure(sealer.open(sealed, 'app_1'))).toBe(
      'SealedSecretError: the webhook secret of app_1 cannot be decrypted with its key and application (IncorrectKeyException)',
    );
  });

  it('refuses a value of another application, naming why', async () => {
    const sealed = await sealer.seal('whsec_abc', 'app_1');

    expect(await failure(sealer.open(sealed, 'app_2'))).toBe(
      'SealedSecretError: the webhook secret of app_2 cannot be decrypted with its key and application (InvalidCiphertextException)',
    );
  });

  it('lets an unreachable KMS fail as it comes (to be retried), not as an unopenable secret', async () => {
    const sealed = await sealer.seal('whsec_abc', 'app_1');
    const unreachable = createKmsSecretSealer(
      lazyKmsClient({ endpoint: 'http://127.0.0.1:9' }),
      TEST_SECRETS_KEY_ID,
    );

    const error = await unreachable.open(sealed, 'app_1').catch((e: unknown) => e);

    expect([error instanceof SealedSecretError, (error as { code?: string }).code]).toEqual([
      false,
      'ECONNREFUSED',
    ]);
  });

  it('lets an unknown key fail as KMS says, when sealing', async () => {
    expect(await failure(createTestSealer('alias/missing').seal('whsec_abc', 'app_1'))).toBe(
      'NotFoundException',
    );
  });
});
