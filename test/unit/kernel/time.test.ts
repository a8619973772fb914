import { describe, expect, it } from 'vitest';
import { toRfc3339Seconds } from '../../../shared/kernel/time.ts';

describe('toRfc3339Seconds', () => {
  it('drops milliseconds and keeps UTC', () => {
    expect(toRfc3339Seconds(new Date('2026-05-29T12:00:00.987Z'))).toBe('2026-05-29T12:00:00Z');
  });
});
