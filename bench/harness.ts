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
