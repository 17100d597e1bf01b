import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';

/**
 * The auditor page's test bench: the real service listening on loopback, demo data entered
 * through the real counter API, and Debian's Chromium driven by playwright-core (never a
 * downloaded browser).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const SCREEN = { width: 1366, height: 768 };

export type Role = 'cashier' | 'auditor' | 'admin';

export interface WebServer {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  tokens: Record<Role, string>;
  /** JSON (or text) answer of the service; never throws on an HTTP status. */
  request(method: string, route: string, options?: { role?: Role; body?: unknown }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  close(): Promise<void>;
}

export async function startWebServer(overrides: Partial<Config> = {}): Promise<WebServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-web-'));
  // Seeding sends a few hundred requests a minute from one token: lift the per-token limit.
  const config = loadConfig([], {}, { dataDir, logLevel: 'silent', host: '127.0.0.1', port: 0, rateLimitPerMinute: 1_000_000, ...overrides });
  const app = await buildApp(config);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const tokens = JSON.parse(readFileSync(path.join(dataDir, 'bootstrap-tokens.json'), 'utf8')) as Record<Role, string>;
  return {
    app, url, dataDir, tokens,
    async request(method, route, options = {}) {
      const headers: Record<string, string> = {};
      if (options.role) headers['authorization'] = `Bearer ${tokens[options.role]}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + route, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      return { status: res.status, body, text, headers: res.headers };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Basket lines from the sample catalogue that give each kind of verdict. */
const LINES = {
  covered: { barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
  classB: { code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX-0001' } },
  noPrescription: { code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '28.00' },
  aboveCap: { code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '36.00', prescription: { rxNo: 'RX-0002' } },
  unknown: { code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' },
  notCovered: { code: 'XS01XAX101G010010100999', quantity: 1, unitPrice: '18.50' },
  restricted: { code: 'XA02BCA211E001010100777', quantity: 1, unitPrice: '22.00', prescription: { rxNo: 'RX-0003' } },
  discontinued: { code: 'XM01AEB015A001010100345', quantity: 1, unitPrice: '15.00' },
  listingEnded: { code: 'XR05CBA110A001010100432', quantity: 1, unitPrice: '11.00' },
  overQuantity: { code: 'XR06AXL001A001010100555', quantity: 6, unitPrice: '10.00' },
  byLocalCode: { localCode: 'L0004', quantity: 1, unitPrice: '14.80' },
} as const;
type LineName = keyof typeof LINES;

const BASKETS: LineName[][] = [
  ['covered'], ['covered', 'classB'], ['covered', 'notCovered'], ['noPrescription'], ['covered', 'unknown'],
  ['aboveCap', 'covered'], ['restricted'], ['discontinued', 'covered'], ['listingEnded'], ['overQuantity'],
  ['byLocalCode', 'covered'], ['notCovered', 'unknown', 'classB'],
];
/** Mostly healthy cards, like a real day; the rest is every card and account problem the mock terminal has. */
const SCENARIOS = ['normal', 'normal', 'normal', 'normal', 'normal', 'low-balance', 'suspended', 'expired', 'not-insured', 'terminated', 'reported-lost', 'not-activated', 'initial-pin', 'damaged'];
export const CASHIERS = ['cashier-01', 'cashier-02', 'cashier-03', 'cashier-07'];

/**
 * Demo data through the real HTTP API, as the counter makes it: insert a virtual card, read
 * it, sometimes check the account, precheck a basket. Deterministic for a given seed and round count.
 */
export async function seedDemo(server: WebServer, rounds: number, seed = 20261129): Promise<void> {
  // mulberry32: small, seeded, and even in its low bits.
  let state = seed;
  const pick = <T>(list: readonly T[]): T => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return list[Math.floor((((x ^ (x >>> 14)) >>> 0) / 2 ** 32) * list.length)]!;
  };
  for (let i = 0; i < rounds; i++) {
    const scenario = pick(SCENARIOS);
    await ok(server.request('POST', '/v1/dev/terminal/card', { role: 'cashier', body: { scenario } }));
    const read = await ok(server.request('POST', '/v1/card/read', { role: 'cashier' }));
    const cardSession = read.body.cardSession as string | null;
    if (!cardSession) continue;
    if (i % 4 === 0) await server.request('POST', '/v1/account/check', { role: 'cashier', body: { cardSession } });
    const basket = pick(BASKETS).map((name, n) => ({ lineId: String(n + 1), ...LINES[name] }));
    await ok(server.request('POST', '/v1/checkout/precheck', { role: 'cashier', body: { cardSession, cashierId: pick(CASHIERS), items: basket } }));
  }
}

async function ok<T extends { status: number; text: string }>(p: Promise<T>): Promise<T> {
  const res = await p;
  if (res.status !== 200) throw new Error(`seeding failed: ${res.status} ${res.text}`);
  return res;
}

/** All pages of the list API for a query, newest first: what the page's table should show. */
export async function listAll(server: WebServer, query: string): Promise<{ id: string; seq: number; reasonCodes: string[]; personHash: string | null }[]> {
  const out = [];
  let cursor: string | null = null;
  do {
    const res = await server.request('GET', `/v1/audit/decisions?limit=500${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`, { role: 'auditor' });
    if (res.status !== 200) throw new Error(`list failed: ${res.status} ${res.text}`);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Edits one recorded decision behind the service's back, as someone with the SQLite file
 * would: drop the append-only triggers, then rewrite the record's outcome.
 */
export function tamperWithRecord(dataDir: string, seq: number, outcome: string): void {
  const db = new Database(path.join(dataDir, 'checkout-guard.db'));
  try {
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_decisions'").all() as { name: string }[];
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    const changed = db.prepare('UPDATE audit_decisions SET outcome = ? WHERE seq = ?').run(outcome, seq).changes;
    if (changed !== 1) throw new Error(`no record ${seq} to tamper with`);
  } finally {
    db.close();
  }
}
