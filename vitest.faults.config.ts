import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: the real service as a child process, with faults injected. One file at a time: each starts its own service. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
