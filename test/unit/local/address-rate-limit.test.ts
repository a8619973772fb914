import { describe, expect, it } from 'vitest';
import { createAddressRateLimit } from '../../../scripts/local/address-rate-limit.ts';

/** A limit of 2 per 5 minutes on a clock the test moves. */
function setup() {
  let now = 1_000_000;
  const limit = createAddressRateLimit(2, 300_000, () => now);
  return { limit, advance: (ms: number) => (now += ms) };
}

describe('createAddressRateLimit', () => {
  it('lets the limit through, then answers the wait until the oldest request leaves the window', () => {
    const { limit, advance } = setup();
    const answers = [limit.take('192.0.2.1')];
    advance(1000);
    answers.push(limit.take('192.0.2.1'), limit.take('192.0.2.1'));

    expect(answers).toEqual([undefined, undefined, 299_000]);
  });

  it('lets an address in again once its oldest request left the window', () => {
    const { limit, advance } = setup();
    limit.take('192.0.2.1');
    advance(1000);
    limit.take('192.0.2.1');
    advance(299_001);

    expect([limit.take('192.0.2.1'), limit.take('192.0.2.1')]).toEqual([undefined, 999]);
  });

  it('counts each address apart', () => {
    const { limit } = setup();
    limit.take('192.0.2.1');
    limit.take('192.0.2.1');

    expect(limit.take('192.0.2.2')).toBeUndefined();
  });
});
