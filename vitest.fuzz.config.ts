import { defineConfig } from 'vitest/config';

/**
 * `npm run test:fuzz`: every property suite under test/fuzz (HTTP API, frames and TLV,
 * catalogue parsers). FC_SEED replays a run, NUM_RUNS bounds it (default 1000 per property).
 */
// One seed for the whole run, chosen here (once, in the main process) so every worker shares it.
process.env['FC_SEED'] ??= String((Date.now() ^ Math.floor(Math.random() * 0x1_0000_0000)) | 0);
console.log(`fuzz: FC_SEED=${process.env['FC_SEED']} NUM_RUNS=${process.env['NUM_RUNS'] ?? 1000} (rerun with the same FC_SEED to replay)`);

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.test.ts'],
    setupFiles: ['test/fuzz/fuzz-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
