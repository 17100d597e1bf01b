import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { chromium } from 'playwright-core';
import type { AuditInput } from '../src/audit/record.js';
import { localTimestamp } from '../src/audit/time.js';
import { AuditTrail } from '../src/audit/trail.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDataStore } from '../src/db/database.js';
import { reason, type ReasonCode } from '../src/reasons.js';
import { percentiles, type Benchmark, type Figure } from './harness.js';

/**
 * The auditor page against a large trail: the API calls its first screen makes, and the
 * whole page in Debian's Chromium from navigation to a filled table, each beside a baseline
 * measured in the same run on the same machine.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const HOLDER = { cardNumber: 'X00000019', idNumber: '330302198508150192', name: '孙八', cardId: '330300D1560000001999110145FFFFFF' };
const REFUSALS: ReasonCode[] = ['ITEM_NOT_IN_CATALOGUE', 'ITEM_NOT_COVERED', 'ITEM_PRESCRIPTION_REQUIRED', 'ITEM_PRICE_ABOVE_CAP', 'ACCOUNT_SUSPENDED', 'CARD_EXPIRED'];
/** One record in this many carries it: the filter that makes the list scan furthest. */
const RARE = { code: 'ITEM_RESTRICTED_USE' as ReasonCode, every: 1000 };

/** A mix like a pharmacy's day: mostly allowed prechecks, a third refused for one reason or another. */
function decision(i: number): AuditInput {
  const code: ReasonCode | null = i % RARE.every === 0 ? RARE.code : i % 3 === 0 ? REFUSALS[i % REFUSALS.length]! : null;
  const outcome = code === null ? 'allow' : code.startsWith('ITEM_') ? 'partial' : 'block';
  const reasons = code ? [reason(code)] : [];
  return {
    kind: 'precheck', outcome, cashierId: `cashier-0${i % 7}`, tokenId: 'tok-bench', terminalId: 'mock', cardMasked: 'X0000****', holder: HOLDER,
    catalogueVersion: 3, reasonCodes: code ? [code] : [],
    body: {
      decision: outcome,
      items: [
        { lineId: '1', code: 'XN02BEA011A001010100201', name: '对乙酰氨基酚片', verdict: 'covered', totalAmount: '25.00', insuranceAmount: '25.00', selfPayAmount: '0.00', reasons: [] },
        { lineId: '2', code: 'XC10AAA058A001010100123', name: '阿托伐他汀钙片', verdict: code ? 'self-pay' : 'covered', totalAmount: '28.00', insuranceAmount: code ? '0.00' : '25.20', selfPayAmount: code ? '28.00' : '2.80', reasons },
      ],
      totals: { totalAmount: '53.00', insuranceAmount: code ? '25.00' : '50.20', selfPayAmount: code ? '28.00' : '2.80' },
      reasons: outcome === 'block' ? reasons : [],
      catalogueVersion: 3,
    },
  };
}

/** A busy pharmacy's day: the trail spans count / PER_DAY days up to today. */
const PER_DAY = 1000;
const CHART_DAYS = 14;

/**
 * Fills the trail through the AuditTrail class, one day at a time with the clock (Date.now)
 * set back to that day, so the chart's two weeks hold two weeks of records. Durability is off
 * while filling: only reads are timed.
 */
async function fill(dataDir: string, count: number): Promise<void> {
  const store = openDataStore(dataDir);
  const trail = new AuditTrail(store, { dataDir, algorithm: 'sm3', retentionDays: 0, maxBatch: 2000 });
  store.sqlite.pragma('synchronous = OFF');
  const realNow = Date.now;
  const days = Math.ceil(count / PER_DAY);
  try {
    for (let day = 0; day < days; day++) {
      const at = realNow() - (days - 1 - day) * 86_400_000;
      Date.now = () => at;
      const done = day * PER_DAY;
      await Promise.all(Array.from({ length: Math.min(PER_DAY, count - done) }, (_, k) => trail.append(decision(done + k + 1))));
    }
  } finally {
    Date.now = realNow;
  }
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  await trail.close();
  store.close();
}

/** Milliseconds per request, sequential, after a warm-up. */
async function latencies(url: string, headers: Record<string, string>, n: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await (await fetch(url, { headers })).arrayBuffer();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

const bench: Benchmark = {
  name: 'web',
  async run({ quick }) {
    const count = quick ? 2_000 : 100_000;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-web-bench-'));
    const bare = Fastify();
    const figures: Figure[] = [];
    try {
      await fill(dataDir, count);
      // No catalogue: the page reads only the trail.
      const app = await buildApp(loadConfig([], {}, { dataDir, logLevel: 'silent', rateLimitPerMinute: 1_000_000, seedCatalogue: undefined, seedMapping: undefined }));
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const token = (JSON.parse(readFileSync(path.join(dataDir, 'bootstrap-tokens.json'), 'utf8')) as { auditor: string }).auditor;
      const auth = { authorization: `Bearer ${token}` };

      // The bare baseline answers the same bytes with no work: the floor of an HTTP round trip here.
      const firstPage = await (await fetch(`${base}/v1/audit/decisions?limit=50`, { headers: auth })).text();
      bare.get('/page', async (_req, reply) => reply.type('application/json').send(firstPage));
      bare.get('/blank', async (_req, reply) => reply.type('text/html').send('<!doctype html><title>blank</title><p>blank</p>'));
      const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
      const n = quick ? 10 : 100;
      const floor = percentiles(await latencies(`${bareUrl}/page`, {}, n)).p50;
      const apiFigure = async (what: string, route: string, goalMs: number, note: string) => {
        const p = percentiles(await latencies(`${base}${route}`, auth, n));
        figures.push({
          figure: `${what}, ${count.toLocaleString('en-US')} audit records (p50 over ${n})`,
          value: p.p50, unit: 'ms', baseline: 'bare fastify route answering the same first-page JSON', baselineValue: floor, ratio: p.p50 / floor,
          goal: `< ${goalMs} ms (lower is better)`, met: p.p50 < goalMs, note: `p90 ${p.p90.toFixed(1)} ms, max ${p.max.toFixed(1)} ms; ${note}`,
        });
      };
      await apiFigure('first page of decisions (GET /v1/audit/decisions?limit=50)', '/v1/audit/decisions?limit=50', 50, `${firstPage.length} bytes`);
      await apiFigure(`first page filtered by a rare reason (1 in ${RARE.every})`, `/v1/audit/decisions?limit=50&reason=${RARE.code}`, 250, 'the reason filter scans newest first until 50 match');
      const to = localTimestamp().slice(0, 10);
      const from = new Date(Date.parse(to) - (CHART_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
      await apiFigure(`rejects-per-day stats for the chart's ${CHART_DAYS} days (GET /v1/audit/stats/rejects)`, `/v1/audit/stats/rejects?from=${from}&to=${to}`, 500,
        `every refusing record in range is read: ${Math.min(count, CHART_DAYS * PER_DAY).toLocaleString('en-US')} records at ${PER_DAY.toLocaleString('en-US')} a day`);

      if (existsSync(CHROMIUM)) {
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
        try {
          const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
          await context.addInitScript(`
            sessionStorage.setItem('guard.audit.token', ${JSON.stringify(token)});
            new MutationObserver((_, obs) => {
              if (window.__rowsAt === undefined && document.querySelector('#decisions tbody tr[data-id]')) window.__rowsAt = performance.now();
              if (window.__chartAt === undefined && document.querySelector('#chart[data-state="done"]')) window.__chartAt = performance.now();
              if (window.__rowsAt !== undefined && window.__chartAt !== undefined) obs.disconnect();
            }).observe(document, { childList: true, subtree: true });`);
          const page = await context.newPage();
          const loads = quick ? 3 : 12;
          const table: number[] = [];
          const chart: number[] = [];
          const blank: number[] = [];
          for (let i = 0; i < loads; i++) {
            await page.goto(`${base}/audit/`);
            // A function, not a string: the page's CSP (no unsafe-eval) refuses string predicates once polling starts.
            await page.waitForFunction(() => {
              const w = globalThis as unknown as { __rowsAt?: number; __chartAt?: number };
              return w.__rowsAt !== undefined && w.__chartAt !== undefined;
            });
            table.push(await page.evaluate<number>('window.__rowsAt'));
            chart.push(await page.evaluate<number>('window.__chartAt'));
            await page.goto(`${bareUrl}/blank`);
            blank.push(await page.evaluate<number>("performance.getEntriesByType('navigation')[0].loadEventEnd"));
          }
          // The first load fetches the script and stylesheet; later loads revalidate the shell only.
          const floorMs = percentiles(blank).p50;
          const pageFigure = (what: string, samples: number[], note: string) => {
            const warm = percentiles(samples.slice(1)).p50;
            figures.push({
              figure: `auditor page in Chromium, navigation to ${what}, ${count.toLocaleString('en-US')} records (p50 of ${loads - 1} loads)`,
              value: warm, unit: 'ms', baseline: 'the same browser loading a blank page from a bare fastify route', baselineValue: floorMs, ratio: warm / floorMs,
              goal: '< 1000 ms (lower is better)', met: warm < 1000 && samples[0]! < 1000,
              note: `first load (assets not cached) ${samples[0]!.toFixed(0)} ms; ${note}`,
            });
          };
          pageFigure('the first table row on screen', table, 'the table waits for the list API only');
          pageFigure('the reject chart drawn', chart, 'the chart waits for the stats API; the chain badge follows when verify answers');
        } finally {
          await browser.close();
        }
      }
      await app.close();
    } finally {
      await bare.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    return figures;
  },
};

export default bench;
