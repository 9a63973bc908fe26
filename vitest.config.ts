import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Refuses every connection and DNS lookup beyond loopback, in each worker and in the Node children tests start.
    setupFiles: ['test/support/loopback-only.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        // Rules, use cases and adapters against the embedded servers: no module mocks, no fake
        // timers, no global stubs, spies restored (test/architecture/shared-tier-sharing.test.ts
        // checks), so the files share their workers' module cache. Without isolation the tier takes 33 s here instead of 75 s, most of it
        // spent importing the same modules in a fresh worker per file.
        test: { name: 'shared', include: ['test/shared/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        test: { name: 'system', include: ['test/**/*.test.ts'], exclude: ['test/shared/**'] },
      },
    ],
  },
});
