import { describe, expect, it } from 'vitest';
import { isValidCallId, recordingIdFor } from '../../../shared/recordings/call-rules.ts';

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
