import type { KMSClient } from '@aws-sdk/client-kms';
import { SealedSecretError, type SecretSealer } from '../../webhooks/ports.ts';
import { kmsSdk } from '../aws/aws-sdk.ts';

/**
 * How a sealed secret is stored: `kms:` then the base64 of KMS's ciphertext blob. The label tells a
 * sealed value from a plaintext one of an earlier version without asking KMS (the migration and the
 * sender rely on it), and leaves room for another scheme later.
 */
const SEALED = /^kms:([A-Za-z0-9+/]+={0,2})$/;

/** Whether a stored value is a sealed secret (`kms:<base64>`), as opposed to a plaintext one. */
export function isKmsSealed(value: string): boolean {
  return SEALED.test(value);
}

/** KMS's answers that mean "this value cannot be opened like this", as opposed to an outage or a denial. */
const UNOPENABLE = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * {@link SecretSealer} over a customer-managed KMS key: Encrypt / Decrypt with the encryption context
 * `{application_id}`, so a ciphertext opens only for the application it was sealed for (and the
 * context is recorded in CloudTrail with every use). Decrypt names the key too: a ciphertext of another
 * key is refused rather than decrypted with whatever key it names.
 */
export function createKmsSecretSealer(client: () => KMSClient, keyId: string): SecretSealer {
  const context = (applicationId: string) => ({ application_id: applicationId });
  return {
    isSealed: isKmsSealed,

    async seal(secret, applicationId) {
      const { EncryptCommand } = kmsSdk();
      const out = await client().send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(secret, 'utf8'),
          EncryptionContext: context(applicationId),
        }),
      );
      if (!out.CiphertextBlob) throw new Error('KMS Encrypt answered no ciphertext');
      return `kms:${Buffer.from(out.CiphertextBlob).toString('base64')}`;
    },

    async open(sealed, applicationId) {
      const blob = SEALED.exec(sealed)?.[1];
      if (blob === undefined)
        throw new SealedSecretError(`the webhook secret of ${applicationId} is not sealed`);
      const { DecryptCommand } = kmsSdk();
      try {
        const out = await client().send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: Buffer.from(blob, 'base64'),
            EncryptionContext: context(applicationId),
          }),
        );
        if (!out.Plaintext) throw new Error('KMS Decrypt answered no plaintext');
        return Buffer.from(out.Plaintext).toString('utf8');
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        if (!UNOPENABLE.has(name)) throw error;
        throw new SealedSecretError(
          `the webhook secret of ${applicationId} cannot be decrypted with its key and application (${name})`,
          { cause: error },
        );
      }
    },
  };
}
