import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Long fault, fuzz and browser suites run through their own scripts.
    exclude: ['test/faults/**', 'test/fuzz/**', 'test/web/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
