import { LOCAL_WEBHOOK_SECRETS_KEY, type LocalKmsKey } from '../../scripts/emulators/local-kms.ts';
import { lazyKmsClient } from '../../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../../shared/adapters/kms/kms-secret-sealer.ts';

/** A second key of the tests' KMS stand-in: what webhook secrets are not sealed with. */
export const OTHER_TEST_KEY: LocalKmsKey = {
  id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  alias: 'alias/minivoice-other',
};

/** The keys the global setup's KMS stand-in knows. */
export const TEST_KMS_KEYS: LocalKmsKey[] = [LOCAL_WEBHOOK_SECRETS_KEY, OTHER_TEST_KEY];

/** The key id the tests seal webhook secrets with (WEBHOOK_SECRETS_KEY_ID), by its alias. */
export const TEST_SECRETS_KEY_ID = LOCAL_WEBHOOK_SECRETS_KEY.alias as string;

/** The production KMS sealer, reaching the stand-in through AWS_ENDPOINT_URL_KMS (set by the global setup). */
export function createTestSealer(keyId = TEST_SECRETS_KEY_ID) {
  return createKmsSecretSealer(lazyKmsClient(), keyId);
}
