import { randomUUID } from 'node:crypto';
import { closeSync, fdatasync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { canonicalJson } from '../src/audit/canonical.js';
import { loadConfig } from '../src/config.js';
import type { Benchmark } from './harness.js';

/**
 * The precheck over real loopback HTTP, beside a bare fastify route that parses the same
 * request and returns a recorded precheck answer (same JSON, same size), driven by autocannon
 * in the same run with the same connections. The difference is everything the service adds:
 * auth, rate limiting, validation, the account check (cached per card), the rules engine, the
 * audit append (hash chain, group commit, fsync) and the schema-driven serialisation.
 */
const CONNECTIONS = 10;
const GOAL = 0.5;

const BASKET = [
  { lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
  { lineId: '2', code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '31.00', prescription: { rxNo: 'RX-1' } },
  { lineId: '3', code: 'XC10AAA058A001010100123', quantity: 12, unitPrice: '28.00', prescription: { rxNo: 'RX-1' } },
  { lineId: '4', code: 'XA02BCA211E001010100777', quantity: 1, unitPrice: '42.00', prescription: { rxNo: 'RX-2', diagnosis: '消化性溃疡' } },
  { lineId: '5', localCode: 'L0004', quantity: 3, unitPrice: '9.90' },
  { lineId: '6', code: 'XS01XAX101G010010100999', quantity: 1, unitPrice: '18.00' },
  { lineId: '7', code: 'XJ01CAA040E001010101234', quantity: 1, unitPrice: '15.00' },
  { lineId: '8', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' },
  { lineId: '9', code: 'XB01ACA056A001010100888', quantity: 2, unitPrice: '5.60', prescription: { rxNo: 'RX-3' } },
  { lineId: '10', code: 'XA01ABD075A002010100483', quantity: 1, unitPrice: '7.60' },
];

/**
 * An append stand-in that persists each decision the cheapest way there is, on the request
 * thread: one write() of its line to an append-only file, then an fdatasync shared by every
 * decision waiting for one (one in flight at a time). No chain, no index, no SQLite: the
 * ceiling for any design that stores the decision before the answer leaves.
 */
function fileAppend(file: string): { append: (input: { kind: string; outcome: string; cashierId: string | null; body: unknown }) => Promise<{ id: string; body: string }>; close(): void } {
  const fd = openSync(file, 'a');
  let syncing = false;
  let waiting: (() => void)[] = [];
  const sync = () => {
    syncing = true;
    const covered = waiting;
    waiting = [];
    fdatasync(fd, () => {
      syncing = false;
      covered.forEach((done) => done());
      if (waiting.length > 0) sync();
    });
  };
  return {
    async append(input) {
      const body = canonicalJson(input.body);
      const id = randomUUID();
      writeSync(fd, `${JSON.stringify([id, new Date().toISOString(), input.kind, input.outcome, input.cashierId])}${body}\n`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!syncing) sync();
      });
      return { id, body };
    },
    close: () => closeSync(fd),
  };
}

async function run(url: string, body: string, headers: Record<string, string>, seconds: number): Promise<{ requests: number; non2xx: number; errors: number }> {
  const result = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, connections: CONNECTIONS, duration: seconds });
  return { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

const bench: Benchmark = {
  name: 'precheck-http',
  async run({ quick }) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-precheck-'));
    let service: FastifyInstance | undefined;
    let bare: FastifyInstance | undefined;
    const journal = fileAppend(path.join(dataDir, 'decisions.jsonl'));
    try {
      // Rate limiting is per token and would answer 429 to a load test; everything else is the shipped service.
      const config = loadConfig([], {}, { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', rateLimitPerMinute: 1_000_000 });
      service = await buildApp(config);
      const serviceUrl = await service.listen({ host: '127.0.0.1', port: 0 });
      const tokens = JSON.parse(readFileSync(path.join(dataDir, 'bootstrap-tokens.json'), 'utf8')) as { cashier: string };
      const auth = { authorization: `Bearer ${tokens.cashier}` };
      const inserted = await fetch(`${serviceUrl}/v1/dev/terminal/card`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'normal' }) });
      if (!inserted.ok) throw new Error(`insert card: ${inserted.status} ${await inserted.text()}`);
      const read = (await (await fetch(`${serviceUrl}/v1/card/read`, { method: 'POST', headers: auth })).json()) as { cardSession: string };
      const body = JSON.stringify({ cardSession: read.cardSession, cashierId: 'bench', items: BASKET });
      const first = await fetch(`${serviceUrl}/v1/checkout/precheck`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
      const answerText = await first.text();
      if (!first.ok) throw new Error(`precheck: ${first.status} ${answerText}`);
      const answer = JSON.parse(answerText) as { decision: string };

      // The baseline: the same request parsed, the same answer serialised, nothing decided.
      bare = Fastify({ logger: false });
      bare.post('/v1/checkout/precheck', async () => answer);
      const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

      // Interleaved rounds, the order rotated each time, totals compared: on a shared two-core
      // box the neighbours' load then weighs on every side alike. Two sides are diagnostics: the
      // same service with the audit append answered from memory, to show how much of the gap is
      // the durable audit commit (one WAL fsync per group of decisions), and with each decision
      // only written to a flat file, to show what storing anything before answering costs.
      const audit = service.services.audit;
      const durableAppend = audit.append.bind(audit);
      let seq = 0;
      // The answer is sent as the stored body, so the stand-in still encodes it.
      const memoryAppend = (async (input: { body: unknown }) => ({ id: `bench-${++seq}`, body: canonicalJson(input.body) })) as unknown as typeof audit.append;
      const fileStandIn = journal.append as unknown as typeof audit.append;
      const sides = ['bare', 'service', 'service-no-fsync', 'service-flat-file'] as const;
      const tally = Object.fromEntries(sides.map((side) => [side, { requests: 0, seconds: 0 }])) as Record<(typeof sides)[number], { requests: number; seconds: number }>;
      const rounds = quick ? 1 : 3;
      const seconds = quick ? 1 : 5;
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(k + r) % sides.length]!;
          audit.append = side === 'service-no-fsync' ? memoryAppend : side === 'service-flat-file' ? fileStandIn : durableAppend;
          const target = side === 'bare' ? `${bareUrl}/v1/checkout/precheck` : `${serviceUrl}/v1/checkout/precheck`;
          const result = await run(target, body, auth, seconds);
          if (result.non2xx > 0 || result.errors > 0) throw new Error(`${side} under load: ${result.non2xx} non-2xx, ${result.errors} errors`);
          tally[side].requests += result.requests;
          tally[side].seconds += seconds;
        }
      }
      audit.append = durableAppend;
      const rps = (side: (typeof sides)[number]) => tally[side].requests / tally[side].seconds;
      const bareRps = rps('bare');
      const common = `${CONNECTIONS} connections, ${rounds} interleaved round(s) of ${seconds} s per side, loopback; answer ${Buffer.byteLength(answerText)} bytes, decision ${answer.decision}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
      return [{
        figure: 'POST /v1/checkout/precheck, 10-line basket, audited',
        value: rps('service'), unit: 'requests/s',
        baseline: 'bare fastify route, same request, same answer JSON', baselineValue: bareRps,
        ratio: rps('service') / bareRps, goal: `ratio >= ${GOAL}`, met: rps('service') / bareRps >= GOAL, better: 'higher',
        note: common,
      }, {
        figure: 'the same, audit append answered from memory (diagnostic: the cost of the durable audit commit)',
        value: rps('service-no-fsync'), unit: 'requests/s',
        baseline: 'bare fastify route, same request, same answer JSON', baselineValue: bareRps,
        ratio: rps('service-no-fsync') / bareRps, goal: `ratio >= ${GOAL}`, met: rps('service-no-fsync') / bareRps >= GOAL, better: 'higher',
        note: common,
      }, {
        figure: 'the same, each decision written to a flat file instead (diagnostic: the least that storing a decision before answering costs)',
        value: rps('service-flat-file'), unit: 'requests/s',
        baseline: 'bare fastify route, same request, same answer JSON', baselineValue: bareRps,
        ratio: rps('service-flat-file') / bareRps, goal: `ratio >= ${GOAL}`, met: rps('service-flat-file') / bareRps >= GOAL, better: 'higher',
        note: `${common}; one write() per decision on the request thread, one fdatasync per group, no chain, index or SQLite`,
      }];
    } finally {
      await bare?.close();
      await service?.close();
      journal.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
export default bench;
