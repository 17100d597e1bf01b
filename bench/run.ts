import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, Figure } from './harness.js';

/** `npm run bench [-- --quick] [-- name...]`: every bench/*.bench.ts, one table, and a JSON copy. */
const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
const rows: (Figure & { bench: string })[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Benchmark };
  const bench = mod.default;
  if (only.length > 0 && !only.includes(bench.name)) continue;
  process.stderr.write(`running ${bench.name}${quick ? ' (quick)' : ''}...\n`);
  for (const f of await bench.run({ quick })) rows.push({ bench: bench.name, ...f });
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const table = [
  ['benchmark', 'figure', 'this run', 'baseline', 'baseline value', 'ratio', 'goal', 'met'],
  ...rows.map((r) => [r.bench, r.figure, `${fmt(r.value)} ${r.unit}`, r.baseline, `${fmt(r.baselineValue)} ${r.unit}`, r.ratio.toFixed(3), r.goal, r.met ? 'yes' : 'NO']),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join(' | '));

const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` };
mkdirSync(path.join(here, 'results'), { recursive: true });
const out = path.join(here, 'results', `${quick ? 'quick' : 'full'}-latest.json`);
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), quick, machine, figures: rows }, null, 2) + '\n');
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
