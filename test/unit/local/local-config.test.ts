import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../../scripts/local/config.ts';

describe('loadLocalConfig', () => {
  it('leaves the per-address limit off unless LOCAL_IP_RATE_LIMIT is set', () => {
    expect(loadLocalConfig({}).LOCAL_IP_RATE_LIMIT).toBeUndefined();
  });

  it('reads LOCAL_IP_RATE_LIMIT as requests per address', () => {
    expect(loadLocalConfig({ LOCAL_IP_RATE_LIMIT: '300' }).LOCAL_IP_RATE_LIMIT).toBe(300);
  });

  it('refuses a per-address limit that is not a positive integer', () => {
    expect(() => loadLocalConfig({ LOCAL_IP_RATE_LIMIT: '0' })).toThrow(/LOCAL_IP_RATE_LIMIT/);
  });
});
