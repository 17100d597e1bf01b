import { defineConfig } from 'vitest/config';

/**
 * `npm run test:web`: the auditor page in Debian's Chromium (/usr/bin/chromium) against the
 * real service on loopback, plus the page's own logic and the audit API's role checks.
 * One file at a time: a browser and a seeded service each want most of a small machine.
 */
export default defineConfig({
  test: {
    include: ['test/web/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
