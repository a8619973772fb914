import { beforeEach, describe, expect, it } from 'vitest';
import { SealedSecretError, type SecretOpener } from '../../../shared/webhooks/ports.ts';
import { cacheOpenedSecrets } from '../../../shared/webhooks/secret-cache.ts';
import { createInMemorySecretSealer } from '../../support/fakes/in-memory-secret-sealer.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';

let sealing: ReturnType<typeof createInMemorySecretSealer>;
let time: ReturnType<typeof createManualClock>;
let cached: SecretOpener;

beforeEach(() => {
  sealing = createInMemorySecretSealer();
  time = createManualClock();
  cached = cacheOpenedSecrets(sealing.sealer, time.clock, { ttlMs: 60_000, maxEntries: 2 });
});

describe('cacheOpenedSecrets', () => {
  it('opens a sealed secret once and serves it again from memory', async () => {
    const sealed = await sealing.sealer.seal('whsec_a', 'app_1');

    expect([await cached.open(sealed, 'app_1'), await cached.open(sealed, 'app_1')]).toEqual([
      'whsec_a',
      'whsec_a',
    ]);
    expect(sealing.opened()).toBe(1);
  });

  it('opens it again once its time in memory is over', async () => {
    const sealed = await sealing.sealer.seal('whsec_a', 'app_1');
    await cached.open(sealed, 'app_1');

    time.advance(60_000);
    await cached.open(sealed, 'app_1');

    expect(sealing.opened()).toBe(2);
  });

  it('opens a rotated secret (a new sealed value) at once, never the old one from memory', async () => {
    await cached.open(await sealing.sealer.seal('whsec_old', 'app_1'), 'app_1');

    expect(await cached.open(await sealing.sealer.seal('whsec_new', 'app_1'), 'app_1')).toBe('whsec_new');
  });

  it("does not hand one application's secret to another holding a copy of its sealed value", async () => {
    const sealed = await sealing.sealer.seal('whsec_a', 'app_1');
    await cached.open(sealed, 'app_1');

    await expect(cached.open(sealed, 'app_2')).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('shares one open between concurrent deliveries of the same application', async () => {
    const sealed = await sealing.sealer.seal('whsec_a', 'app_1');

    await Promise.all([cached.open(sealed, 'app_1'), cached.open(sealed, 'app_1')]);

    expect(sealing.opened()).toBe(1);
  });

  it('keeps no failure: the next open asks again', async () => {
    let calls = 0;
    const flaky = cacheOpenedSecrets(
      {
        isSealed: () => true,
        open: async () => {
          calls += 1;
          if (calls === 1) throw new Error('KMS is unavailable');
          return 'whsec_a';
        },
      },
      time.clock,
    );

    await expect(flaky.open('sealed', 'app_1')).rejects.toThrow('KMS is unavailable');
    expect(await flaky.open('sealed', 'app_1')).toBe('whsec_a');
  });

  it('forgets the oldest secret beyond its size', async () => {
    const values = await Promise.all(['a', 'b', 'c'].map((s) => sealing.sealer.seal(`whsec_${s}`, 'app_1')));
    for (const value of values) await cached.open(value, 'app_1');

    await cached.open(values[0] as string, 'app_1');

    expect(sealing.opened()).toBe(4);
  });
});
