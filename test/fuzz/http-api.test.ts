import { readFileSync } from 'node:fs';
import net from 'node:net';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';
import { discoverRoutes, hostileJsonValue, hostileString, requestArb, type FuzzRequest, type Route } from './http-arbitraries.js';

/**
 * Hostile input at every HTTP route of the real service (in process, real SQLite): random and
 * schema-shaped-then-mutated bodies, headers, query strings, path segments, huge and deeply
 * nested JSON, wrong content types, raw bytes on a socket. The service must never answer 5xx
 * except 503 with a system reason, never leak a stack trace or personal data, and never crash
 * or leave an unhandled rejection. Seed and run count: see fuzz-setup.ts.
 */

const SYSTEM_503 = new Set(['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT', 'PSAM_MISSING', 'PLATFORM_UNAVAILABLE', 'PLATFORM_ERROR', 'CATALOGUE_NOT_LOADED']);
const runs = fc.readConfigureGlobal().numRuns ?? 1000;

const escaped: unknown[] = [];
/** Answers per route and status, printed at the end: shows how deep the generated requests reach. */
const seen = new Map<string, Map<number, number>>();
function tally(route: string, status: number): void {
  const byStatus = seen.get(route) ?? new Map<number, number>();
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  seen.set(route, byStatus);
}
const onEscape = (err: unknown) => escaped.push(err);

let t: TestApp;
let routes: Route[];
let live: Record<string, string[]>;
let secrets: string[];

beforeAll(async () => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  // The per-token rate limit would turn thousands of requests a minute into 429s: this suite is about content, not volume.
  t = await startTestApp({ rateLimitPerMinute: 1_000_000 });
  const { cardSession } = await readScenario(t, 'normal');
  // Full personal values of every virtual card: none may appear in any answer.
  secrets = [...loadVirtualCards(t.app.services.config.devicesDir).values()].flatMap((c) => [c.chip.ef06.idNumber, c.chip.ef05.cardNumber, ...(c.chip.ef06.name.length > 1 ? [c.chip.ef06.name] : [])]);
  const codes = knownCodes(t);
  const decisions = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: { cardSession, cashierId: 'fuzz', items: [{ lineId: '1', code: codes.codes[0] ?? 'X', quantity: 1, unitPrice: '1.00' }] } });
  live = {
    cardSession: [cardSession],
    code: codes.codes,
    barcode: codes.barcodes,
    localCode: codes.localCodes,
    id: [decisions.json().decisionId as string],
    scenario: ['normal', 'low-balance', 'initial-pin', 'damaged', 'expired', 'cancelled'],
    cashierId: ['cashier-01'],
  };
  const found = discoverRoutes(t.app);
  routes = found.routes;
  console.log(`fuzzing ${routes.length} routes (${found.withSchemas ? 'bodies from the OpenAPI schemas' : 'no OpenAPI document registered: generic bodies only'}), ${runs} runs per property`);
});

afterAll(async () => {
  const lines = [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([route, byStatus]) => `  ${route}: ${[...byStatus].sort(([a], [b]) => a - b).map(([st, n]) => `${st}×${n}`).join(' ')}`);
  console.log(`answers by route and status:\n${lines.join('\n')}`);
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  await t?.close();
});

/** Catalogue codes, barcodes and local codes from the seeded sample files, to reach the rules engine. */
function knownCodes(app: TestApp): { codes: string[]; barcodes: string[]; localCodes: string[] } {
  const read = (file: string | undefined) => {
    try {
      return file ? readFileSync(file, 'latin1') : '';
    } catch {
      return '';
    }
  };
  const catalogue = read(app.app.services.config.seedCatalogue);
  const mapping = read(app.app.services.config.seedMapping);
  return {
    codes: [...new Set(catalogue.match(/\b[XZ][A-Z]\d{2}[A-Z0-9]{16,19}\b/g) ?? [])].slice(0, 50),
    barcodes: [...new Set(mapping.match(/\b69\d{11}\b/g) ?? [])].slice(0, 50),
    localCodes: [...new Set(mapping.match(/^[A-Za-z0-9-]+(?=,)/gm) ?? [])].filter((c) => c !== 'local_code').slice(0, 50),
  };
}

function describeRequest(req: FuzzRequest, res?: LightMyRequestResponse): string {
  const payload = req.payload === undefined ? '' : String(req.payload).slice(0, 300);
  return `${req.method} ${req.url.slice(0, 200)} [${req.kind}] ${JSON.stringify(req.headers).slice(0, 300)} ${payload}${res ? ` -> ${res.statusCode} ${res.body.slice(0, 300)}` : ''}`;
}

/** The contract every answer keeps, whatever was sent. */
function checkAnswer(req: FuzzRequest, res: LightMyRequestResponse): void {
  const where = describeRequest(req, res);
  let body: { error?: { code?: unknown; message?: { zh?: unknown; en?: unknown } } } | undefined;
  if (res.statusCode >= 400 && req.method !== 'HEAD') {
    expect(res.headers['content-type'], where).toMatch(/^application\/json/);
    body = JSON.parse(res.body);
    expect(typeof body?.error?.code, where).toBe('string');
    expect(typeof body?.error?.message?.zh, where).toBe('string');
    expect(typeof body?.error?.message?.en, where).toBe('string');
  }
  if (res.statusCode >= 500) {
    expect(res.statusCode, where).toBe(503);
    if (body) expect(SYSTEM_503.has(body.error!.code as string), where).toBe(true);
  }
  expect(res.body, where).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
  // The API documentation is static text whose request examples use a virtual card's number; every other answer is data.
  if (!/^\/(openapi\.json|docs)(\/|\?|$)/.test(req.url)) for (const s of secrets) expect(res.body.includes(s), `${where}\nleaks a personal value`).toBe(false);
}

describe('hostile HTTP input', () => {
  it('every route answers every request within the contract', async () => {
    await fc.assert(fc.asyncProperty(requestArb(routes, t.tokens, live), async (req) => {
      const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
      tally(`${req.method} ${routes.find((r) => r.method === req.method && matches(r.path, req.url))?.path ?? '(other)'}`, res.statusCode);
      checkAnswer(req, res);
    }), { numRuns: runs * 3 });
  });

  it('hostile baskets on a live card session: 200 with exact sums, or 400 naming the field', async () => {
    const { codes, barcodes, localCodes } = { codes: live['code']!, barcodes: live['barcode']!, localCodes: live['localCode']! };
    const cleanAmount = fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 })).map(([y, f]) => `${y}.${String(f).padStart(2, '0')}`);
    const dirtyAmount = fc.oneof(fc.constantFrom('0', '0.1', '9999999999.99', '10000000000', '1.005', '-1.00', '1,00', '１.００', ' 1.00', '1.00 ', '+1', '.5', '1.', ''), hostileJsonValue);
    const cleanRef = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(codes.length ? codes : ['X'])).map((code) => ({ code })) },
      { weight: 2, arbitrary: fc.constantFrom(...(barcodes.length ? barcodes : ['6900000000000'])).map((barcode) => ({ barcode })) },
      { weight: 1, arbitrary: fc.constantFrom(...(localCodes.length ? localCodes : ['L0'])).map((localCode) => ({ localCode })) },
      { weight: 1, arbitrary: fc.stringMatching(/^[XZ][A-Z0-9]{19,22}$/).map((code) => ({ code })) },
    );
    const prescription = fc.record({ rxNo: fc.string({ minLength: 1, maxLength: 64 }), diagnosis: fc.string({ minLength: 1, maxLength: 200 }) }, { requiredKeys: [] });
    // Clean lines reach the rules engine; dirty lines (one bad field each) test the validator.
    const cleanItem = fc.tuple(cleanRef, fc.record({ quantity: fc.integer({ min: 1, max: 9999 }), unitPrice: cleanAmount, prescription }, { requiredKeys: ['quantity', 'unitPrice'] }))
      .map(([r, rest]) => ({ ...rest, ...r }));
    const dirtyItem = fc.tuple(cleanItem, fc.constantFrom('lineId', 'quantity', 'unitPrice', 'prescription', 'code', 'barcode', 'extra'), fc.oneof(hostileString, hostileJsonValue, fc.constantFrom(0, -1, 10_000, 1.5, 2 ** 53, '1', null)), dirtyAmount)
      .map(([item, field, value, amount]) => ({ ...item, [field]: field === 'unitPrice' ? amount : value }));
    const lines = (item: fc.Arbitrary<Record<string, unknown>>, maxLength: number) => fc.array(fc.tuple(item, fc.boolean()), { minLength: 1, maxLength })
      .map((items) => items.map(([it, reuseId], i) => ({ lineId: reuseId && i > 0 && items.length > 8 ? '0' : String(i), ...it })));
    const basket = fc.record({
      cardSession: fc.oneof({ weight: 12, arbitrary: fc.constant(live['cardSession']![0]!) }, { weight: 1, arbitrary: hostileString }),
      cashierId: fc.oneof({ weight: 12, arbitrary: fc.constant('cashier-01') }, { weight: 1, arbitrary: hostileString }),
      items: fc.oneof(
        { weight: 6, arbitrary: lines(cleanItem, 12) },
        { weight: 2, arbitrary: lines(fc.oneof({ weight: 4, arbitrary: cleanItem }, { weight: 1, arbitrary: dirtyItem }), 12) },
        { weight: 1, arbitrary: lines(cleanItem, 600) },
      ),
    });
    let allowedOrPartial = 0;
    await fc.assert(fc.asyncProperty(basket, async (body) => {
      const req: FuzzRequest = { method: 'POST', url: '/v1/checkout/precheck', headers: { ...t.auth('cashier'), 'content-type': 'application/json' }, payload: JSON.stringify(body), kind: 'basket' };
      const res = await t.app.inject({ method: 'POST', url: req.url, headers: req.headers, payload: req.payload });
      tally('POST /v1/checkout/precheck (baskets)', res.statusCode);
      checkAnswer(req, res);
      const where = describeRequest(req, res);
      const answer = res.json();
      if (res.statusCode === 413) {
        expect(answer.error.code, where).toBe('INVALID_REQUEST');
        return;
      }
      if (res.statusCode === 400) {
        expect(answer.error.code, where).toBe('INVALID_REQUEST');
        expect(String(answer.error.detail?.field ?? ''), where).toMatch(/^(body|querystring|params|headers)/);
        return;
      }
      if (res.statusCode === 404) {
        expect(body.cardSession, where).not.toBe(live['cardSession']![0]);
        return;
      }
      expect(res.statusCode, where).toBe(200);
      if (answer.decision !== 'block') allowedOrPartial++;
      // Money is exact: every line and the totals split without a fen lost or invented.
      const fen = (s: string) => Math.round(Number(s) * 100);
      const sum = { total: 0, insurance: 0, selfPay: 0 };
      expect(answer.items.length, where).toBe(body.items.length);
      answer.items.forEach((line: { lineId: string; totalAmount: string; insuranceAmount: string; selfPayAmount: string }, i: number) => {
        const sent = body.items[i] as { lineId: string; quantity: number; unitPrice: string };
        expect(line.lineId, where).toBe(sent.lineId);
        expect(fen(line.totalAmount), where).toBe(sent.quantity * fen(sent.unitPrice));
        expect(fen(line.insuranceAmount) + fen(line.selfPayAmount), where).toBe(fen(line.totalAmount));
        expect(fen(line.insuranceAmount), where).toBeGreaterThanOrEqual(0);
        sum.total += fen(line.totalAmount);
        sum.insurance += fen(line.insuranceAmount);
        sum.selfPay += fen(line.selfPayAmount);
      });
      expect([fen(answer.totals.totalAmount), fen(answer.totals.insuranceAmount), fen(answer.totals.selfPayAmount)], where).toEqual([sum.total, sum.insurance, sum.selfPay]);
    }), { numRuns: runs });
    // The generator must reach the rules engine, not only the validator.
    expect(allowedOrPartial).toBeGreaterThan(0);
  });

  it('raw bytes on a real loopback socket never crash the server', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const valid = `POST /v1/checkout/precheck HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.tokens.cashier}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;
    const raw = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.nat({ max: valid.length }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, junk]) => Buffer.concat([Buffer.from(valid.slice(0, at)), Buffer.from(junk), Buffer.from(valid.slice(at))])),
      fc.constantFrom(
        'GET / HTTP/1.1\r\n\r\n', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n', 'GET /health\r\n\r\n', 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n',
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
        'POST /v1/card/read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        'POST /v1/card/read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        'POST /v1/card/read HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
        'GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', 'GET /%%%% HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /health HTTP/1.1\nHost: x\n\n',
      ).map((s) => Buffer.from(s, 'latin1')),
    );
    await fc.assert(fc.asyncProperty(raw, async (bytes) => {
      const answer = await exchange(Number(port), bytes);
      for (const m of answer.matchAll(/HTTP\/1\.[01] (\d{3})/g)) {
        const status = Number(m[1]);
        expect(status < 500 || status === 503, `${bytes.toString('latin1').slice(0, 200)} -> ${answer.slice(0, 300)}`).toBe(true);
      }
    }), { numRuns: Math.max(20, Math.ceil(runs / 5)) });
  });

  it('still serves, and its audit trail still holds together, after the storm', async () => {
    expect(escaped).toEqual([]);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    // The storm may have left a terminal fault injected through the dev routes: clear it, as a technician would.
    await t.app.inject({ method: 'DELETE', url: '/v1/dev/terminal/fault', headers: t.auth('cashier') });
    const { cardSession, body } = await readScenario(t, 'normal');
    expect(typeof cardSession, JSON.stringify(body)).toBe('string');
    const res = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: { cardSession, cashierId: 'after', items: [{ lineId: '1', code: live['code']![0] ?? 'X', quantity: 1, unitPrice: '1.00' }] } });
    expect(res.statusCode).toBe(200);
    const verify = await t.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: t.auth('auditor') });
    if (verify.statusCode !== 404) {
      expect(verify.statusCode).toBe(200);
      expect(verify.json()).toMatchObject({ ok: true });
    }
  });
});

function matches(template: string, url: string): boolean {
  const path = url.split('?')[0]!.split('/');
  const parts = template.split('/');
  return parts.length === path.length && parts.every((p, i) => p.startsWith(':') || p === '*' || p === path[i]);
}

/** Writes bytes, half-closes, and collects what the server says until it closes or 1 s passes. */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 1000);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.end(bytes));
  });
}
