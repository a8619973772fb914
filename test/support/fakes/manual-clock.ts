import type { Clock } from '../../../shared/kernel/clock.ts';

/** A clock that stands still until told to move; `sleep` moves it and yields to other tasks. */
export function createManualClock(start = '2026-11-24T10:00:00Z') {
  let now = Date.parse(start);
  const clock: Clock = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return { clock, advance: (ms: number) => (now += ms) };
}
