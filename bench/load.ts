import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../src/config.js';
import { openDataStore } from '../src/db/database.js';
import { TokenStore } from '../src/http/auth/tokens.js';
import { readCard, startService, type ServiceProcess } from '../test/faults/service-process.js';
import { percentiles } from './harness.js';

const USAGE = `npm run load -- [options]

Sustained prechecks against the real service (a child process on 127.0.0.1), as the counters
of a busy store would send them: each counter has its own token and card session and sends a
basket of 1 to 8 lines on a fixed schedule. Latency is measured from the moment each request
was due, so a stalled service cannot hide its queue (no coordinated omission).

  --duration SECONDS   measured time after warm-up (default 300; --quick: 20)
  --counters N         checkout counters (default 50)
  --rate R             prechecks per second per counter (default 1)
  --warmup SECONDS     unmeasured warm-up (default 30; --quick: 5)
  --catalogue FILE     catalogue file the service imports on first start (default: the sample)
  --quick              the bounded CI form
  --out FILE           also write the JSON result to FILE

Results: bench/results/load-latest.json (or load-quick-latest.json).`;

interface Sample { at: number; rssMiB: number; heapUsedMiB: number | null }

const here = path.dirname(fileURLToPath(import.meta.url));
const flags = parseFlags(process.argv.slice(2));
if (flags['help']) {
  console.log(USAGE);
  process.exit(0);
}
const quick = flags['quick'] === 'true';
const num = (name: string, fallback: number) => {
  const v = flags[name] === undefined ? fallback : Number(flags[name]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const durationS = num('duration', quick ? 20 : 300);
const warmupS = num('warmup', quick ? 5 : 30);
const counters = Math.round(num('counters', 50));
const ratePerCounter = num('rate', 1);

const service = await startService({
  env: {
    LOG_LEVEL: 'warn',
    // Sessions outlive the run: one card read per counter, as a long checkout would.
    CARD_SESSION_TTL: '86400',
    ...(flags['catalogue'] ? { SEED_CATALOGUE: path.resolve(flags['catalogue']) } : {}),
  },
  startTimeoutMs: 300_000,
});
let exitCode = 0;
try {
  exitCode = await run(service);
} finally {
  await service.cleanup();
}
process.exit(exitCode);

async function run(service: ServiceProcess): Promise<number> {
  // One token per counter, as the operations guide asks (and as the per-token rate limit assumes).
  const store = openDataStore(service.dataDir);
  const tokens = Array.from({ length: counters }, (_, i) => new TokenStore(store).create(`counter-${String(i + 1).padStart(2, '0')}`, 'cashier').token);
  store.close();
  const sessions: string[] = [];
  for (let i = 0; i < counters; i++) sessions.push(await readCard(service, i % 7 === 6 ? 'low-balance' : 'normal'));
  const items = await catalogueItems(service);
  process.stderr.write(`service pid ${service.pid} on ${service.url}; ${counters} counters × ${ratePerCounter}/s = ${counters * ratePerCounter} prechecks/s; ${items.length} catalogue items in baskets; warm-up ${warmupS} s, measured ${durationS} s\n`);

  const samples: Sample[] = [];
  const sampler = setInterval(() => void memory(service).then((m) => samples.push(m)), 2000);
  const started = performance.now();
  const measureFrom = started + warmupS * 1000;
  const end = measureFrom + durationS * 1000;
  const latencies: number[] = [];
  const perMinute = new Map<number, number[]>();
  const statuses = new Map<string, number>();
  const failures: string[] = [];
  let sent = 0;

  const counter = async (i: number) => {
    const interval = 1000 / ratePerCounter;
    // Counters start spread over one interval, not all at once.
    let due = started + (interval * i) / counters;
    let line = 0;
    while (due < end) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const basket = Array.from({ length: 1 + ((i + line) % 8) }, (_, k) => {
        const item = items[(i * 31 + line * 7 + k * 13) % items.length]!;
        return { lineId: String(k + 1), ...item, quantity: 1 + (k % 3), unitPrice: `${5 + ((line + k) % 40)}.${String((k * 17) % 100).padStart(2, '0')}` };
      });
      line++;
      let status: string;
      try {
        const res = await fetch(`${service.url}/v1/checkout/precheck`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
          body: JSON.stringify({ cardSession: sessions[i], cashierId: `cashier-${i + 1}`, items: basket }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        status = String(res.status);
        if (res.status !== 200 && failures.length < 5) failures.push(`${res.status} ${text.slice(0, 300)}`);
      } catch (err) {
        status = (err as Error).name;
        if (failures.length < 5) failures.push(String(err));
      }
      const done = performance.now();
      sent++;
      if (due >= measureFrom) {
        const ms = done - due;
        latencies.push(ms);
        const minute = Math.floor((due - measureFrom) / 60_000);
        (perMinute.get(minute) ?? perMinute.set(minute, []).get(minute)!).push(ms);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      due += interval;
    }
  };
  const progress = setInterval(() => process.stderr.write(`  ${Math.round((performance.now() - started) / 1000)} s, ${sent} sent\n`), 30_000);
  await Promise.all(Array.from({ length: counters }, (_, i) => counter(i)));
  clearInterval(progress);
  clearInterval(sampler);
  samples.push(await memory(service));

  const measured = samples.filter((s) => s.at >= measureFrom);
  const window = Math.max(1, Math.floor(measured.length / 5));
  // The heap floor (its lowest point, just after a collection) is the live data; its rise over the run is the leak.
  const floor = (list: Sample[]) => Math.min(...list.map((s) => s.heapUsedMiB ?? Infinity));
  const median = (list: number[]) => percentiles(list).p50;
  const first = measured.slice(0, window);
  const last = measured.slice(-window);
  const memoryReport = {
    rssBeforeMiB: median(first.map((s) => s.rssMiB)),
    rssAfterMiB: median(last.map((s) => s.rssMiB)),
    heapFloorBeforeMiB: Number.isFinite(floor(first)) ? floor(first) : null,
    heapFloorAfterMiB: Number.isFinite(floor(last)) ? floor(last) : null,
    samples: measured.map((s) => ({ t: Math.round((s.at - measureFrom) / 1000), rss: s.rssMiB, heap: s.heapUsedMiB })),
  };
  const overall = percentiles(latencies);
  const ok = statuses.get('200') ?? 0;
  const result = {
    at: new Date().toISOString(),
    quick,
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    settings: { counters, ratePerCounter, targetPerSecond: counters * ratePerCounter, durationS, warmupS, catalogueItems: items.length },
    requests: latencies.length,
    achievedPerSecond: Math.round((latencies.length / durationS) * 10) / 10,
    statuses: Object.fromEntries(statuses),
    latencyMs: round(overall),
    perMinute: [...perMinute].map(([minute, list]) => ({ minute: minute + 1, requests: list.length, ...round(percentiles(list)) })),
    memory: memoryReport,
    failures,
  };

  const growth = (a: number | null, b: number | null) => (a && b ? `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%` : 'n/a');
  console.log(`\nload: ${counters} counters, ${result.settings.targetPerSecond} prechecks/s target, ${result.achievedPerSecond}/s achieved over ${durationS} s (after ${warmupS} s warm-up)`);
  console.log(`answers: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
  console.log(`latency ms: p50 ${result.latencyMs.p50}  p90 ${result.latencyMs.p90}  p99 ${result.latencyMs.p99}  max ${result.latencyMs.max}`);
  for (const m of result.perMinute) console.log(`  minute ${m.minute}: ${m.requests} requests, p50 ${m.p50} ms, p99 ${m.p99} ms`);
  console.log(`service RSS: ${memoryReport.rssBeforeMiB} MiB -> ${memoryReport.rssAfterMiB} MiB (${growth(memoryReport.rssBeforeMiB, memoryReport.rssAfterMiB)}); heap floor: ${memoryReport.heapFloorBeforeMiB ?? 'n/a'} MiB -> ${memoryReport.heapFloorAfterMiB ?? 'n/a'} MiB (${growth(memoryReport.heapFloorBeforeMiB, memoryReport.heapFloorAfterMiB)})`);
  if (failures.length) console.log(`first failures:\n  ${failures.join('\n  ')}`);

  mkdirSync(path.join(here, 'results'), { recursive: true });
  const outputs = [path.join(here, 'results', quick ? 'load-quick-latest.json' : 'load-latest.json'), ...(flags['out'] ? [path.resolve(flags['out'])] : [])];
  for (const out of outputs) writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`written to ${outputs.map((o) => path.relative(process.cwd(), o)).join(', ')}`);
  // Latency never fails the run; a wrong answer does.
  return ok === latencies.length ? 0 : 1;
}

/** Items to put in baskets: codes the service's catalogue knows, found through its own search. */
async function catalogueItems(service: ServiceProcess): Promise<{ code: string }[]> {
  const codes = new Set<string>();
  for (const q of ['片', '胶囊', '颗粒', '注射', '丸', '口服', '散', '膏']) {
    const res = await service.request('GET', `/v1/catalogue/search?q=${encodeURIComponent(q)}&limit=100`, { role: 'cashier' });
    if (res.status === 200) for (const item of res.body.items as { code: string }[]) codes.add(item.code);
  }
  if (codes.size === 0) throw new Error('the catalogue search found no items to put in baskets');
  return [...codes].map((code) => ({ code }));
}

/** The service's memory: RSS from /proc, heap from its Prometheus metrics when it serves them. */
async function memory(service: ServiceProcess): Promise<Sample> {
  const at = performance.now();
  let rssMiB = NaN;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'));
    if (kb) rssMiB = Math.round((Number(kb[1]) / 1024) * 10) / 10;
  } catch {
    // Not Linux: RSS from the metrics below.
  }
  let heapUsedMiB: number | null = null;
  try {
    const res = await fetch(`${service.url}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (res.ok) {
      const text = await res.text();
      const heap = /^\w*nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
      const rss = /^\w*process_resident_memory_bytes (\S+)$/m.exec(text);
      if (heap) heapUsedMiB = Math.round((Number(heap[1]) / 2 ** 20) * 10) / 10;
      if (Number.isNaN(rssMiB) && rss) rssMiB = Math.round((Number(rss[1]) / 2 ** 20) * 10) / 10;
    }
  } catch {
    // No metrics route: RSS only.
  }
  return { at, rssMiB, heapUsedMiB };
}

function round(p: ReturnType<typeof percentiles>) {
  const r = (n: number) => Math.round(n * 100) / 100;
  return { p50: r(p.p50), p90: r(p.p90), p99: r(p.p99), max: r(p.max), mean: r(p.mean) };
}
