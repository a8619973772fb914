import { defineConfig } from 'vitest/config';

const EMULATORS = 'test/support/emulators/global-setup.ts';

// Tests in tiers: `npm run test:<tier>` runs one, `npm test` runs them all. Only the tiers that talk to
// the emulators start them (DynamoDB Local needs Java), so the unit tier runs anywhere in seconds.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [EMULATORS],
          // Each file uses its own table and queues, so files run in parallel against one set of emulators.
          fileParallelism: true,
        },
      },
      {
        test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'], globalSetup: [EMULATORS] },
      },
    ],
  },
});
