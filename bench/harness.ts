/**
 * Shared shape of every benchmark. A benchmark measures its figure and, in the same run, a
 * baseline on the same machine, so the ratio means something on a shared, noisy box.
 * Benchmarks never fail on a time: `met` only reports whether the goal held this run.
 */
export interface Figure {
  /** What is measured, e.g. "precheck engine, 10-line basket". */
  figure: string;
  value: number;
  unit: string;
  /** What the baseline is, e.g. "bare fastify route, same JSON size". */
  baseline: string;
  baselineValue: number;
  /** value / baselineValue (or the inverse where lower is better; say so in `goal`). */
  ratio: number;
  /** The goal in words, e.g. "ratio >= 0.5" or "< 20 µs per basket". */
  goal: string;
  met: boolean;
  /** Which way is an improvement, for `--compare`; when absent it follows the unit (per second: higher; time or bytes: lower). */
  better?: 'higher' | 'lower';
  note?: string;
}

export interface Benchmark {
  name: string;
  /** Bounded form for CI (`--quick`): fewer iterations, same code paths. */
  run(options: { quick: boolean }): Promise<Figure[]>;
}

/** Runs fn repeatedly for about `ms` milliseconds and returns operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, ms: number, batch = 1): Promise<number> {
  // Warm up so JIT and caches settle before timing.
  const warmEnd = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warmEnd) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) await fn();
    ops += batch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Synchronous variant: no await per call, for pure functions measured in microseconds. */
export function opsPerSecondSync(fn: () => unknown, ms: number, batch = 100): number {
  const warmEnd = performance.now() + Math.min(200, ms / 5);
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Percentiles of a set of samples (e.g. latencies in ms), nearest-rank. */
export function percentiles(samples: number[]): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return { p50: at(50), p90: at(90), p99: at(99), max: at(100), mean };
}

/**
 * Memory of this process in MiB after a full collection when the runner exposed gc (it starts
 * every benchmark with --expose-gc), so before/after figures compare live data, not garbage.
 */
export function memoryMiB(): { rss: number; heapUsed: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  return { rss: mib(m.rss), heapUsed: mib(m.heapUsed), external: mib(m.external + m.arrayBuffers) };
}
