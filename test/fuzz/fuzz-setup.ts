import fc from 'fast-check';

/**
 * Runs before every fuzz file: one seed and one run count for every property in the suite
 * (vitest.fuzz.config.ts picks the seed once when FC_SEED is unset), so a failure anywhere
 * replays with `FC_SEED=<seed> npm run test:fuzz` and CI bounds the suite with NUM_RUNS.
 * Properties should not pass their own `seed`; to scale a run count, start from
 * `fc.readConfigureGlobal().numRuns` (as http-api.test.ts does).
 */
const seed = Number(process.env['FC_SEED'] ?? 0);
const numRuns = Number(process.env['NUM_RUNS'] ?? 1000);
if (!Number.isInteger(seed) || !Number.isInteger(numRuns) || numRuns < 1) throw new Error(`FC_SEED and NUM_RUNS must be integers (got ${process.env['FC_SEED']}, ${process.env['NUM_RUNS']})`);
// Counterexamples can hold 300 KB strings: report the head and tail, with the seed and path, not the whole value.
const report = (details: fc.RunDetails<unknown>) => {
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? `\nCaused by: ${details.errorInstance.message}` : '';
  const message = (fc.defaultReportMessage(details) ?? 'property failed') + cause;
  throw new Error(message.length > 8000 ? `${message.slice(0, 4000)}\n[... ${message.length - 8000} characters left out ...]\n${message.slice(-4000)}` : message);
};
fc.configureGlobal({ seed, numRuns, reporter: report });
