import { randomBytes } from 'node:crypto';
import { SealedSecretError, type SecretSealer } from '../../../shared/webhooks/ports.ts';

/**
 * In-memory {@link SecretSealer} behaving as the KMS adapter does (the contract test binds them): a
 * sealed value is an opaque random token, opened only for the application it was sealed for; an altered
 * or unknown token, or a plaintext value, is refused with SealedSecretError. `opened` counts the opens
 * that reached it (what a cache saves).
 */
export function createInMemorySecretSealer() {
  const sealed = new Map<string, { secret: string; applicationId: string }>();
  let opened = 0;
  const sealer: SecretSealer = {
    isSealed: (value) => /^sealed:[0-9a-f]{32}$/.test(value),
    async seal(secret, applicationId) {
      const token = `sealed:${randomBytes(16).toString('hex')}`;
      sealed.set(token, { secret, applicationId });
      return token;
    },
    async open(value, applicationId) {
      opened += 1;
      const entry = sealed.get(value);
      if (entry?.applicationId !== applicationId) {
        throw new SealedSecretError(`the webhook secret of ${applicationId} cannot be decrypted`);
      }
      return entry.secret;
    },
  };
  return { sealer, opened: () => opened };
}
