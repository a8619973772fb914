import { describe, expect, it } from 'vitest';
import { hashApiKey, parseBearerKey } from '../../../shared/accounts/api-key.ts';

describe('parseBearerKey', () => {
  it.each([
    ['Bearer mv_live_abcdefghijklmnop', 'mv_live_abcdefghijklmnop'],
    ['bearer mv_test_abcdefghijklmnop', 'mv_test_abcdefghijklmnop'],
    ['Bearer  mv_live_abcdefghijklmnop ', 'mv_live_abcdefghijklmnop'],
    ['Basic mv_live_abcdefghijklmnop', undefined],
    ['Bearer $MINIVOICE_API_KEY', undefined],
    ['Bearer sk_live_abcdefghijklmnop', undefined],
    ['Bearer mv_live_short', undefined],
    ['Bearer mv_live_abcdefghijklmnop\r\nX-Evil: 1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, expected) => {
    expect(parseBearerKey(header)).toBe(expected);
  });
});

describe('hashApiKey', () => {
  it('is the hex SHA-256 of the key', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
