import { describe, expect, it } from 'vitest';
import { hashApiKey, parseBearerKey } from '../../shared/accounts/api-key.ts';
import { toRfc3339Seconds } from '../../shared/kernel/time.ts';
import { isValidCallId, recordingIdFor } from '../../shared/recordings/call-rules.ts';

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

describe('isValidCallId', () => {
  it.each([
    ['call_123', true],
    ['call_01HX9ZABCDEF', true],
    ['call_', false],
    ['call_a_b', false],
    ['call_a-b', false],
    ['rec_123', false],
    [`call_${'a'.repeat(65)}`, false],
  ])('judges %j as %j', (id, valid) => {
    expect(isValidCallId(id)).toBe(valid);
  });
});

describe('recordingIdFor', () => {
  it.each([
    [1, 'rec_call_123'],
    [2, 'rec_call_123_2'],
    [10, 'rec_call_123_10'],
  ])('names recording %i %s', (seq, id) => {
    expect(recordingIdFor('call_123', seq)).toBe(id);
  });
});

describe('toRfc3339Seconds', () => {
  it('drops milliseconds and keeps UTC', () => {
    expect(toRfc3339Seconds(new Date('2026-05-29T12:00:00.987Z'))).toBe('2026-05-29T12:00:00Z');
  });
});
