import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, Figure } from './harness.js';

const USAGE = `npm run bench [-- options] [-- name...]

  (no name)            every bench/*.bench.ts, each in its own process, one table
  name...              only these (file name without .bench.ts, or the benchmark's name)
  --quick              the bounded form (seconds per benchmark), as CI runs it
  --out FILE           also write the JSON result to FILE
  --compare OLD [NEW]  compare two JSON results (NEW defaults to the latest run of OLD's kind)
  --list               list the benchmarks

Results: bench/results/full-latest.json or quick-latest.json.`;

type Row = Figure & { bench: string };
interface BenchStatus { name: string; file: string; seconds: number; error?: string }
interface Result { at: string; quick: boolean; machine: Machine; commit: string; benches: BenchStatus[]; figures: Row[] }
interface Machine { node: string; cpus: number; cpuModel: string; memoryGiB: number; platform: string }

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(here, 'results');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

if (flag('help')) {
  console.log(USAGE);
} else if (option('child')) {
  await runChild(option('child')!, option('result')!, flag('quick'));
} else if (flag('compare')) {
  process.exitCode = compare(args.slice(args.indexOf('--compare') + 1).filter((a) => !a.startsWith('--')));
} else {
  process.exitCode = await runAll();
}

/** Child mode: one benchmark module in a fresh process, figures to a JSON file. */
async function runChild(file: string, resultFile: string, quick: boolean): Promise<void> {
  const bench = ((await import(pathToFileURL(file).href)) as { default: Benchmark }).default;
  const figures = await bench.run({ quick });
  writeFileSync(resultFile, JSON.stringify({ name: bench.name, figures }));
  // Benchmarks may leave servers or timers behind; the figures are written, so end here.
  process.exit(0);
}

async function runAll(): Promise<number> {
  const quick = flag('quick');
  const valued = new Set(['--out', '--compare']);
  const only = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
  const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
  if (flag('list')) {
    for (const f of files) console.log(f.replace(/\.bench\.ts$/, ''));
    return 0;
  }
  const chosen = only.length ? files.filter((f) => only.includes(f.replace(/\.bench\.ts$/, ''))) : files;
  const unmatched = only.filter((n) => !files.includes(`${n}.bench.ts`));
  // A name that is no file name may still be a benchmark's declared name: run the rest and let the child filter.
  const toRun = unmatched.length ? files : chosen;
  if (toRun.length === 0) {
    console.error(`no benchmark matches ${only.join(', ')}; available: ${files.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
    return 2;
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const rows: Row[] = [];
  const benches: BenchStatus[] = [];
  try {
    for (const file of toRun) {
      const started = performance.now();
      const resultFile = path.join(tmp, `${file}.json`);
      process.stderr.write(`running ${file}${quick ? ' (quick)' : ''}... `);
      const exit = await runInChild(path.join(here, file), resultFile, quick);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      if (!existsSync(resultFile)) {
        process.stderr.write(`FAILED (${exit})\n`);
        benches.push({ name: file.replace(/\.bench\.ts$/, ''), file, seconds, error: exit });
        continue;
      }
      const { name, figures } = JSON.parse(readFileSync(resultFile, 'utf8')) as { name: string; figures: Figure[] };
      if (unmatched.length && !chosen.includes(file) && !only.includes(name)) {
        process.stderr.write('not selected\n');
        continue;
      }
      process.stderr.write(`${figures.length} figures in ${seconds} s\n`);
      benches.push({ name, file, seconds });
      for (const f of figures) rows.push({ bench: name, ...f });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  printTable([
    ['benchmark', 'figure', 'this run', 'baseline', 'baseline value', 'ratio', 'goal', 'met'],
    ...rows.map((r) => [r.bench, r.figure, `${fmt(r.value)} ${r.unit}`, r.baseline, `${fmt(r.baselineValue)} ${r.unit}`, fmt(r.ratio), r.goal, r.met ? 'yes' : 'NO']),
  ]);
  const failed = benches.filter((b) => b.error);
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.bench} / ${r.figure}: ${r.note}`);
  if (notes.length) console.log(`\nnotes:\n${notes.join('\n')}`);
  console.log(`\n${rows.length} figures from ${benches.length - failed.length} benchmarks; goals met: ${rows.filter((r) => r.met).length}/${rows.length}${failed.length ? `; FAILED to run: ${failed.map((b) => b.name).join(', ')}` : ''}`);

  const result: Result = { at: new Date().toISOString(), quick, machine: machine(), commit: commit(), benches, figures: rows };
  mkdirSync(resultsDir, { recursive: true });
  const outputs = [path.join(resultsDir, `${quick ? 'quick' : 'full'}-latest.json`), ...(option('out') ? [path.resolve(option('out')!)] : [])];
  for (const out of outputs) writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`machine: ${result.machine.cpuModel}, ${result.machine.cpus} cores, ${result.machine.memoryGiB} GiB, node ${result.machine.node}`);
  console.log(`written to ${outputs.map((o) => path.relative(process.cwd(), o)).join(', ')}`);
  // A benchmark that crashed is a failure; a missed goal is not (benchmarks never fail on a time).
  return failed.length ? 1 : 0;
}

/** Each benchmark in its own process: no JIT, heap or open handles carried from one to the next. */
function runInChild(file: string, resultFile: string, quick: boolean): Promise<string> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, '--result', resultFile, ...(quick ? ['--quick'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  // The quick form is meant for CI: a benchmark that hangs must not hold the pipeline.
  const timer = quick ? setTimeout(() => child.kill('SIGKILL'), 180_000) : undefined;
  return new Promise((resolve) => child.on('exit', (code, signal) => {
    clearTimeout(timer);
    resolve(signal ? `killed by ${signal}` : `exit code ${code}`);
  }));
}

function compare(files: string[]): number {
  const [oldFile, newFileArg] = files;
  if (!oldFile) {
    console.error(USAGE);
    return 2;
  }
  const old = JSON.parse(readFileSync(oldFile, 'utf8')) as Result;
  const newFile = newFileArg ?? path.join(resultsDir, `${old.quick ? 'quick' : 'full'}-latest.json`);
  const now = JSON.parse(readFileSync(newFile, 'utf8')) as Result;
  console.log(`old: ${oldFile} (${old.at}, ${old.commit ?? '?'}, ${old.machine.cpuModel}, node ${old.machine.node})`);
  console.log(`new: ${newFile} (${now.at}, ${now.commit ?? '?'}, ${now.machine.cpuModel}, node ${now.machine.node})`);
  if (old.quick !== now.quick) console.log('warning: comparing a quick run with a full run');
  if (old.machine.cpuModel !== now.machine.cpuModel || old.machine.cpus !== now.machine.cpus) console.log('warning: different machines; compare the ratios, not the values');
  const key = (r: Row) => `${r.bench}\u0000${r.figure}`;
  const before = new Map(old.figures.map((r) => [key(r), r]));
  const after = new Map(now.figures.map((r) => [key(r), r]));
  const table = [['benchmark', 'figure', 'old', 'new', 'change', 'old ratio', 'new ratio', 'ratio change', 'verdict']];
  let worse = 0;
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(k);
    const b = after.get(k);
    const r = (b ?? a)!;
    if (!a || !b) {
      table.push([r.bench, r.figure, a ? `${fmt(a.value)} ${a.unit}` : '-', b ? `${fmt(b.value)} ${b.unit}` : '-', '', a ? fmt(a.ratio) : '-', b ? fmt(b.ratio) : '-', '', a ? 'gone' : 'new']);
      continue;
    }
    const higher = (b.better ?? direction(b.unit)) === 'higher';
    const change = (b.value - a.value) / Math.abs(a.value || 1);
    const ratioChange = (b.ratio - a.ratio) / Math.abs(a.ratio || 1);
    // The ratio to a same-run baseline is what survives a noisy, shared machine; judge by it when the goal is a ratio.
    const judged = /ratio/i.test(b.goal) ? ratioChange : change;
    const gain = higher ? judged : -judged;
    const verdict = gain < -0.1 ? 'WORSE' : gain > 0.1 ? 'better' : 'same';
    if (verdict === 'WORSE') worse++;
    table.push([r.bench, r.figure, `${fmt(a.value)} ${a.unit}`, `${fmt(b.value)} ${b.unit}`, pct(change), fmt(a.ratio), fmt(b.ratio), pct(ratioChange), `${verdict}${a.met && !b.met ? ' (goal lost)' : !a.met && b.met ? ' (goal met)' : ''}`]);
  }
  printTable(table);
  console.log(`\n${worse} figure(s) more than 10% worse (by ratio where the goal is a ratio, else by value).`);
  return 0;
}

/** Per second and per-unit-of-work rates improve upward; times and sizes improve downward. */
function direction(unit: string): 'higher' | 'lower' {
  return /\/\s*s(ec)?\b|per s|ops|rows\/|req/i.test(unit) ? 'higher' : 'lower';
}

function printTable(table: string[][]): void {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...(row[i] ?? '')].length)));
  for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd());
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

function machine(): Machine {
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` };
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}
