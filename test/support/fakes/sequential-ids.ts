import type { IdGenerator } from '../../../shared/kernel/ids.ts';

/** Sequential ids: `evt_1`, `clm_2`, … */
export function createSequentialIds(): IdGenerator {
  let n = 0;
  return { next: (prefix) => `${prefix}_${++n}` };
}
