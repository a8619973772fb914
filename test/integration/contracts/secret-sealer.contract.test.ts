import { describe, expect, it } from 'vitest';
import { SealedSecretError, type SecretSealer } from '../../../shared/webhooks/ports.ts';
import { createInMemorySecretSealer } from '../../support/fakes/in-memory-secret-sealer.ts';
import { createTestSealer } from '../../support/kms.ts';

// The in-memory fake the unit tests use, and the production KMS adapter against the KMS stand-in.
const SEALERS: { name: string; create: () => SecretSealer }[] = [
  { name: 'the in-memory fake', create: () => createInMemorySecretSealer().sealer },
  { name: 'KMS', create: () => createTestSealer() },
];
const SECRET = 'whsec_0123456789abcdef0123456789abcdef0123456789abcdef';

describe.each(SEALERS)('SecretSealer on $name', ({ create }) => {
  const sealer = create();

  it('opens what it sealed, for the same application', async () => {
    expect(await sealer.open(await sealer.seal(SECRET, 'app_1'), 'app_1')).toBe(SECRET);
  });

  it('stores no trace of the secret', async () => {
    const sealed = await sealer.seal(SECRET, 'app_1');

    expect([
      sealed.includes(SECRET),
      sealed.includes(Buffer.from(SECRET).toString('base64').slice(0, 20)),
      sealed.includes(Buffer.from(SECRET).toString('hex').slice(0, 20)),
    ]).toEqual([false, false, false]);
  });

  it('seals the same secret differently each time', async () => {
    expect(await sealer.seal(SECRET, 'app_1')).not.toBe(await sealer.seal(SECRET, 'app_1'));
  });

  it('tells a sealed value from a plaintext secret', async () => {
    expect([sealer.isSealed(await sealer.seal(SECRET, 'app_1')), sealer.isSealed(SECRET)]).toEqual([
      true,
      false,
    ]);
  });

  it('refuses to open a value sealed for another application', async () => {
    const sealed = await sealer.seal(SECRET, 'app_1');

    await expect(sealer.open(sealed, 'app_2')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('refuses to open an altered value', async () => {
    const sealed = await sealer.seal(SECRET, 'app_1');
    const altered = `${sealed.slice(0, -6)}${sealed.slice(-6, -5) === 'A' ? 'B' : 'A'}${sealed.slice(-5)}`;

    await expect(sealer.open(altered, 'app_1')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('refuses to open a plaintext secret', async () => {
    await expect(sealer.open(SECRET, 'app_1')).rejects.toBeInstanceOf(SealedSecretError);
  });
});
