import { describe, expect, it } from 'vitest';
import { admitCaller } from '../../../shared/accounts/admit-caller.ts';
import { retryAfterSeconds } from '../../../shared/accounts/gcra.ts';
import type { ApiKey } from '../../../shared/accounts/types.ts';
import { ApiError } from '../../../shared/kernel/api-error.ts';
import { createInMemoryRequestAllowance } from '../../support/fakes/in-memory-request-allowance.ts';
import { createInMemoryState } from '../../support/fakes/in-memory-state.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';

const KEY: ApiKey = {
  key_hash: 'hash',
  application_id: 'app_1',
  customer_id: 'cust_1',
  status: 'active',
  application_status: 'active',
};

/** The fake allowance at one request per 2.5 s, no burst, on a clock the test moves. */
function setup() {
  const state = createInMemoryState();
  const time = createManualClock();
  const deps = {
    allowance: createInMemoryRequestAllowance(state, { perSecond: 0.4, burst: 1 }, time.clock),
  };
  return { state, time, deps };
}

/** What an admission answered: the caller, or the error's status, code and headers. */
async function outcome(admission: Promise<unknown>) {
  try {
    return await admission;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.statusCode, code: error.code, headers: error.headers };
  }
}

describe('admitCaller', () => {
  it('admits an active key within its application’s allowance as its caller', async () => {
    const { deps } = setup();

    expect(await admitCaller(KEY, deps)).toEqual({ application_id: 'app_1', customer_id: 'cust_1' });
  });

  it('answers 429 rate_limited with Retry-After rounded up to whole seconds', async () => {
    const { deps, time } = setup();
    await admitCaller(KEY, deps);
    time.advance(1000);

    expect(await outcome(admitCaller(KEY, deps))).toEqual({
      status: 429,
      code: 'rate_limited',
      headers: { 'Retry-After': '2' },
    });
  });

  it('answers Retry-After 1, never 0, when the wait is under a second', async () => {
    const { deps, time } = setup();
    await admitCaller(KEY, deps);
    time.advance(2499);

    expect(await outcome(admitCaller(KEY, deps))).toMatchObject({ headers: { 'Retry-After': '1' } });
  });

  it('answers 401 when the allowance says the application is disabled', async () => {
    const { deps, state } = setup();
    state.rates.set('app_1', { application_status: 'disabled' });

    expect(await outcome(admitCaller(KEY, deps))).toEqual({
      status: 401,
      code: 'unauthorized',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  });

  it.each([
    ['an unknown key', undefined],
    ['a revoked key', { ...KEY, status: 'revoked' as const }],
    ['a key of a disabled application', { ...KEY, application_status: 'disabled' as const }],
  ])('takes nothing from any allowance for %s', async (_name, key) => {
    const { deps, state } = setup();

    expect([await outcome(admitCaller(key, deps)), [...state.rates.keys()]]).toEqual([
      { status: 401, code: 'unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } },
      [],
    ]);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [4999.5, 5],
  ])('answers %j ms with %j s', (waitMs, seconds) => {
    expect(retryAfterSeconds(waitMs)).toBe(seconds);
  });
});
