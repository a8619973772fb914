import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../kernel/ids.ts';

/** `<prefix>_<time base36><80 random bits hex>`: unique, and roughly time-ordered for log reading. */
export const randomIds: IdGenerator = {
  next: (prefix) => `${prefix}_${Date.now().toString(36)}${randomBytes(10).toString('hex')}`,
};
