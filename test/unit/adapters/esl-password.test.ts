import { describe, expect, it } from 'vitest';
import {
  ESL_PASSWORD_REREAD_MS,
  fixedEslPassword,
  rereadableEslPassword,
} from '../../../shared/adapters/freeswitch/esl-password.ts';

/** A secret store holding `value`, counting its reads, on a clock the test moves. */
function secretStore(value: string) {
  const store = { value, reads: 0, now: 0 };
  return {
    store,
    read: async () => {
      store.reads += 1;
      return store.value;
    },
    now: () => store.now,
  };
}

describe('rereadableEslPassword', () => {
  it('reads the secret once at the start and uses it until it is refused', async () => {
    const { store, read, now } = secretStore('old');
    const source = await rereadableEslPassword(read, { now });
    store.value = 'new';

    expect([source.current(), source.current(), store.reads]).toEqual(['old', 'old', 1]);
  });

  it('reads the secret again when its value is refused, and gives the new value to try', async () => {
    const { store, read, now } = secretStore('old');
    const source = await rereadableEslPassword(read, { now });
    store.value = 'new';

    expect([await source.afterRefusal('old'), source.current(), store.reads]).toEqual(['new', 'new', 2]);
  });

  it('gives nothing to try when the secret still holds the refused value', async () => {
    const { read, now } = secretStore('wrong');
    const source = await rereadableEslPassword(read, { now });

    expect(await source.afterRefusal('wrong')).toBeUndefined();
  });

  it('reads again at most once per interval, whatever the refusals', async () => {
    const { store, read, now } = secretStore('wrong');
    const source = await rereadableEslPassword(read, { now });
    await source.afterRefusal('wrong');
    store.now += ESL_PASSWORD_REREAD_MS - 1;
    store.value = 'right';

    const throttled = await source.afterRefusal('wrong');
    const readsThen = store.reads;
    store.now += 1;

    expect([throttled, readsThen, await source.afterRefusal('wrong'), store.reads]).toEqual([
      undefined,
      2,
      'right',
      3,
    ]);
  });

  it('shares one read between refusals at the same moment', async () => {
    const { store, read, now } = secretStore('old');
    const source = await rereadableEslPassword(read, { now });
    store.value = 'new';

    const tries = await Promise.all([
      source.afterRefusal('old'),
      source.afterRefusal('old'),
      source.afterRefusal('old'),
    ]);

    expect([tries, store.reads]).toEqual([['new', 'new', 'new'], 2]);
  });

  it('gives the value read meanwhile to a refusal of the old one, without reading', async () => {
    const { store, read, now } = secretStore('old');
    const source = await rereadableEslPassword(read, { now });
    store.value = 'new';
    await source.afterRefusal('old');

    expect([await source.afterRefusal('old'), store.reads]).toEqual(['new', 2]);
  });

  it('gives the previous value to a node that refuses the new one (not reloaded yet)', async () => {
    const { store, read, now } = secretStore('old');
    const source = await rereadableEslPassword(read, { now });
    store.value = 'new';
    await source.afterRefusal('old');

    expect([await source.afterRefusal('new'), source.current(), store.reads]).toEqual(['old', 'new', 2]);
  });

  it('throws when the secret cannot be read again', async () => {
    let reads = 0;
    const source = await rereadableEslPassword(async () => {
      reads += 1;
      if (reads > 1) throw new Error('AccessDeniedException');
      return 'old';
    });

    await expect(source.afterRefusal('old')).rejects.toThrow('AccessDeniedException');
  });
});

describe('fixedEslPassword', () => {
  it('has nothing to try after a refusal', async () => {
    const source = fixedEslPassword('ClueCon');

    expect([source.current(), await source.afterRefusal('ClueCon')]).toEqual(['ClueCon', undefined]);
  });
});
