import { verify } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';
import { databaseBytes, findPersonal, personalValues } from './personal.js';

const BASKET = [
  { lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
  { lineId: '2', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' },
];

describe('the /v1/audit routes over decisions made at the counter', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const get = (url: string, role: 'auditor' | 'cashier' | 'admin' = 'auditor') => t.app.inject({ method: 'GET', url, headers: t.auth(role) });

  beforeAll(async () => {
    t = await startTestApp();
    // Every scenario through card read, account check and precheck: the trail sees every kind and outcome.
    const scenarios = [...new Set(personalValues().map((v) => v.scenario))];
    for (const scenario of scenarios) {
      const { cardSession } = await readScenario(t, scenario);
      if (!cardSession) continue;
      await t.app.inject({ method: 'POST', url: '/v1/account/check', headers: t.auth('cashier'), payload: { cardSession } });
      const res = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: { cardSession, cashierId: `cashier-${scenario}`, items: BASKET } });
      if (res.statusCode === 200) ids[scenario] = res.json().decisionId;
    }
  });
  afterAll(async () => t.close());

  it('lets only the auditor in', async () => {
    for (const url of ['/v1/audit/decisions', `/v1/audit/decisions/${ids['normal']}`, '/v1/audit/export', '/v1/audit/verify', '/v1/audit/stats/rejects', '/v1/audit/checkpoint']) {
      expect((await get(url, 'cashier')).statusCode, url).toBe(403);
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('lists newest first with cursor paging', async () => {
    const first = await get('/v1/audit/decisions?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(2);
    expect(page.items[0].seq).toBeGreaterThan(page.items[1].seq);
    expect(Object.keys(page.items[0]).sort()).toEqual(['at', 'cardMasked', 'cashierId', 'catalogueVersion', 'id', 'kind', 'outcome', 'personHash', 'reasonCodes', 'seq', 'terminalId']);
    const next = (await get(`/v1/audit/decisions?limit=2&cursor=${page.nextCursor}`)).json();
    expect(next.items[0].seq).toBe(page.items[1].seq - 1);
    const all = (await get('/v1/audit/decisions?limit=500')).json();
    expect(all.nextCursor).toBeNull();
    expect(all.items.length).toBe(t.app.services.audit.count());
  });

  it('filters by outcome, reason, cashier, kind, person and date', async () => {
    const blocked = (await get('/v1/audit/decisions?outcome=block&kind=precheck')).json().items;
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((r: { outcome: string; kind: string }) => r.outcome === 'block' && r.kind === 'precheck')).toBe(true);
    const suspended = (await get('/v1/audit/decisions?reason=ACCOUNT_SUSPENDED&kind=precheck')).json().items;
    expect(suspended.map((r: { cashierId: string }) => r.cashierId)).toEqual(['cashier-suspended']);
    const mine = (await get('/v1/audit/decisions?cashierId=cashier-normal')).json().items;
    expect(mine.map((r: { id: string }) => r.id)).toEqual([ids['normal']]);
    const hash = (await t.app.inject({ method: 'POST', url: '/v1/audit/person-hash', headers: t.auth('auditor'), payload: { idNumber: '330302198508150192' } })).json().personHash;
    const person = (await get(`/v1/audit/decisions?personHash=${hash}`)).json().items;
    expect(person.map((r: { kind: string }) => r.kind).sort()).toEqual(['account-check', 'card-read', 'precheck']);
    const today = person[0].at.slice(0, 10);
    expect((await get(`/v1/audit/decisions?from=${today}&to=${today}&limit=500`)).json().items.length).toBe(t.app.services.audit.count());
    expect((await get('/v1/audit/decisions?to=2001-01-01')).json().items).toEqual([]);
  });

  it('answers a bad query with 400 INVALID_REQUEST naming the parameter', async () => {
    for (const [query, field] of [['limit=abc', 'limit'], ['limit=501', 'limit'], ['outcome=maybe', 'outcome'], ['from=2026-02-30', 'from'], ['reason=NOPE', 'reason'], ['cursor=-1', 'cursor']] as const) {
      const res = await get(`/v1/audit/decisions?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('INVALID_REQUEST');
      expect(JSON.stringify(res.json().error.detail), query).toContain(field);
    }
    expect((await get('/v1/audit/decisions?colour=red')).statusCode).toBe(400);
    expect((await get('/v1/audit/decisions/nope')).statusCode).toBe(404);
  });

  it('gives one decision in full with its place in the chain', async () => {
    const res = await get(`/v1/audit/decisions/${ids['normal']}`);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ id: ids['normal'], kind: 'precheck', outcome: 'partial', cashierId: 'cashier-normal', cardMasked: 'X0000****', algorithm: 'sm3', reasonCodes: expect.arrayContaining(['ITEM_NOT_IN_CATALOGUE']) });
    expect(r.seq).toBeGreaterThan(1);
    expect(r.prevHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.decision.items[1].reasons[0].message.zh).toBeTruthy();
    expect(r.decision.items[1].reasons[0].message.en).toBeTruthy();
    expect(r.decision.card.idNumber).toBe('3303**********0192');
    expect(canonicalJson(r.decision)).toBe(JSON.stringify(r.decision)); // stored canonically
  });

  it('exports CSV for Excel and JSON lines as attachments', async () => {
    const csv = await get('/v1/audit/export?format=csv&kind=precheck');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toMatch(/^seq,id,at,kind,outcome,cashierId/);
    expect(rows.length - 1).toBe(Object.keys(ids).length);
    expect(csv.body).toMatch(/ITEM_NOT_IN_CATALOGUE: [^;,]*医保/); // reasons in Chinese, as answered
    const jsonl = await get('/v1/audit/export?format=jsonl&outcome=block');
    expect(jsonl.headers['content-disposition']).toMatch(/\.jsonl"$/);
    const lines = jsonl.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l: { outcome: string; hash: string }) => l.outcome === 'block' && l.hash.length === 64)).toBe(true);
  });

  it('verifies the chain', async () => {
    const res = await get('/v1/audit/verify');
    expect(res.statusCode).toBe(200);
    const count = t.app.services.audit.count();
    expect(res.json()).toMatchObject({ ok: true, algorithm: 'sm3', count, head: { seq: count }, firstBroken: null });
  });

  it('counts refusals per day and reason for the chart', async () => {
    const res = await get('/v1/audit/stats/rejects');
    expect(res.statusCode).toBe(200);
    const days = res.json().days as { day: string; reason: string; count: number }[];
    const refused = (await get('/v1/audit/decisions?reason=ITEM_NOT_IN_CATALOGUE&kind=precheck&limit=500')).json().items.filter((r: { outcome: string }) => r.outcome !== 'allow');
    expect(days.filter((d) => d.reason === 'ITEM_NOT_IN_CATALOGUE').reduce((n, d) => n + d.count, 0)).toBe(refused.length);
    expect(days.some((d) => d.reason === 'ACCOUNT_SUSPENDED')).toBe(true);
    expect(days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day))).toBe(true);
  });

  it('signs a checkpoint that verifies under the exported public key', async () => {
    const res = await get('/v1/audit/checkpoint');
    expect(res.statusCode).toBe(200);
    const { checkpoint, publicKey } = res.json();
    expect(checkpoint.seq).toBe(t.app.services.audit.count());
    const { signature, ...signed } = checkpoint;
    expect(verify(null, Buffer.from(canonicalJson(signed)), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect((await get('/v1/audit/verify')).json().checkpoint).toMatchObject({ seq: checkpoint.seq, signatureValid: true, matches: true });
  });

  it('keeps every full card number, ID number, card id, name, PIN and person number out of the database file', () => {
    expect(findPersonal(databaseBytes(path.join(t.dataDir, 'checkout-guard.db')))).toEqual([]);
  });
});
