import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualCard } from '../../src/emulator/virtual-cards.js';
import type { SimulatorApp } from '../../src/simulator/app.js';
import { SHIPPED_CARDS } from '../account/platform-fixture.js';
import { readScenario, startWithSimulator, type TestAppWithPlatform } from '../helpers/app.js';

/**
 * POST /v1/account/check for a customer without the card: by ID number (mdtrt_cert_type 02)
 * and by e-voucher token (01), through the real service against the platform simulator on
 * loopback, whose back office is the virtual cards in devices/.
 */
describe('account check by ID number and by e-voucher', () => {
  let t: TestAppWithPlatform;
  let sim: SimulatorApp;
  let logLines: string[];
  beforeAll(async () => {
    t = await startWithSimulator();
    ({ sim, logLines } = t);
  });
  afterEach(() => {
    sim.control.clearFaults();
    sim.control.resetRequests();
  });
  afterAll(async () => t.close());

  const check = (payload: unknown, role: 'cashier' | 'auditor' | 'admin' = 'cashier') =>
    t.app.inject({ method: 'POST', url: '/v1/account/check', headers: t.auth(role), payload: payload as object });
  const card = (scenario: string): VirtualCard => SHIPPED_CARDS.get(scenario)!;
  const byId = (scenario: string) => ({ idNumber: card(scenario).chip.ef06.idNumber });
  const byEcToken = (scenario: string) => ({ ecToken: sim.control.state.issueEcToken(card(scenario)) });
  const rows = () => t.app.services.store.sqlite.prepare('SELECT * FROM audit_decisions ORDER BY seq').all() as Record<string, unknown>[];
  const issued: string[] = [];

  describe.each([
    ['ID number', (s: string) => byId(s)],
    ['e-voucher token', (s: string) => {
      const body = byEcToken(s);
      issued.push(body.ecToken);
      return body;
    }],
  ])('by %s', (_how, credential) => {
    it.each([
      ['normal', { eligible: true, insured: true, status: '1', insuranceType: '310', balance: '1250.00', suspendedSince: null, reasons: [] }],
      ['suspended', { eligible: false, insured: true, status: '2', suspendedSince: '2026-06-01', balance: '86.40' }, 'ACCOUNT_SUSPENDED'],
      ['terminated', { eligible: false, insured: true, status: '4' }, 'ACCOUNT_TERMINATED'],
      ['not-insured', { eligible: false, insured: false, status: null, balance: null }, 'NOT_INSURED'],
    ])('%s', async (scenario, account, code?: string) => {
      const res = await check(credential(scenario));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject(account);
      expect(res.json().reasons.map((r: { code: string }) => r.code)).toEqual(code ? [code] : []);
      if (code) expect(res.json().reasons[0].remedy.en).toMatch(/12333/);
      expect(sim.control.requests()['1101']).toBe(1);
    });

    it('asks about the person, not a card: a card reported lost does not stop the account', async () => {
      const res = await check(credential('reported-lost'));
      expect(res.json()).toMatchObject({ eligible: true, reasons: [] });
    });
  });

  it('accepts a lower-case x check digit and a name, and answers as for the card', async () => {
    const viaCard = await check({ cardSession: (await readScenario(t, 'not-insured')).cardSession });
    const viaId = await check({ idNumber: card('not-insured').chip.ef06.idNumber.toLowerCase(), name: card('not-insured').chip.ef06.name });
    expect(viaId.statusCode).toBe(200);
    expect(viaId.json()).toEqual(viaCard.json());
  });

  it('audits every answer with the person hash and a masked ID number; the trail holds no full ID number, name or token', async () => {
    const before = rows().length;
    const scrubbedBefore = t.app.services.audit.scrubCount;
    const token = byEcToken('suspended').ecToken;
    expect((await check({ ecToken: token })).statusCode).toBe(200);
    expect((await check({ ...byId('terminated'), name: card('terminated').chip.ef06.name })).statusCode).toBe(200);
    const added = rows().slice(before);
    expect(added).toHaveLength(2);
    const [viaToken, viaId] = added.map((r) => ({ ...r, decision: JSON.parse(r['body'] as string) as Record<string, unknown> }));
    expect(viaToken).toMatchObject({
      kind: 'account-check', outcome: 'problem', card_masked: null, card_hash: null, reason_codes: 'ACCOUNT_SUSPENDED',
      person_hash: t.app.services.audit.keyedHash(card('suspended').chip.ef06.idNumber),
      decision: { credential: 'ec-token', idNumber: '3303**********0285', status: '2' },
    });
    expect(viaId).toMatchObject({
      kind: 'account-check', card_masked: null, card_hash: null, person_hash: t.app.services.audit.keyedHash(card('terminated').chip.ef06.idNumber),
      decision: { credential: 'id-number', idNumber: '3303**********0295', status: '4' },
    });
    // The whole stored trail, every column of every record this file made: no person in clear.
    const stored = JSON.stringify(rows());
    for (const c of SHIPPED_CARDS.values()) {
      expect(stored).not.toContain(c.chip.ef06.idNumber);
      expect(stored).not.toContain(c.chip.ef06.name);
    }
    for (const tk of [token, ...issued]) expect(stored).not.toContain(tk);
    // Masked by construction: the trail's own scrubber found nothing to hide.
    expect(t.app.services.audit.scrubCount).toBe(scrubbedBefore);
  });

  it('the trail scrubs a full ID number, name or token that slipped into a body (defence in depth)', async () => {
    const normal = card('normal').chip.ef06;
    const token = byEcToken('normal').ecToken;
    const scrubbedBefore = t.app.services.audit.scrubCount;
    const record = await t.app.services.audit.append({
      kind: 'account-check', outcome: 'ok', cashierId: null, tokenId: null, terminalId: null, cardMasked: null, catalogueVersion: null, reasonCodes: [],
      holder: { idNumber: normal.idNumber, name: normal.name, token }, body: { leaked: `${normal.idNumber} ${normal.name} ${token}` },
    });
    const row = rows().find((r) => r['id'] === record.id)!;
    expect(JSON.parse(row['body'] as string)).toEqual({ leaked: `3303**********0192 孙* ****` });
    expect(row).toMatchObject({ card_hash: null, person_hash: t.app.services.audit.keyedHash(normal.idNumber) });
    expect(t.app.services.audit.scrubCount).toBe(scrubbedBefore + 3);
  });

  it.each([
    ['a short ID number', { idNumber: '33030219850815' }, 'body/idNumber', /pattern/],
    ['a mistyped ID number', { idNumber: '330302198508150193' }, 'body/idNumber', /check digit/],
    ['an impossible birth date', { idNumber: '330302198502300192' }, 'body/idNumber', /birth date/],
    ['a blank name', { idNumber: '330302198508150192', name: ' ' }, 'body/name', /pattern/],
    ['a name without an ID number', { ecToken: 'abc', name: '孙八' }, 'body/name', /idNumber/],
    ['an empty token', { ecToken: '' }, 'body/ecToken', /fewer than 1/],
    ['a token with a space', { ecToken: 'ab cd' }, 'body/ecToken', /pattern/],
    ['a number for a token', { ecToken: 1234 }, 'body/ecToken', /string/],
    ['two credentials', { cardSession: 'x', idNumber: '330302198508150192' }, 'body', /only one of cardSession, idNumber, ecToken/],
    ['no credential', {}, 'body/cardSession', /idNumber or ecToken/],
    ['an unknown field', { idNumber: '330302198508150192', birthday: '1985-08-15' }, 'body/birthday', /additional/],
  ])('refuses %s: 400 INVALID_REQUEST naming the field, asks nobody, audits nothing', async (_what, payload, field, problem) => {
    const before = rows().length;
    const res = await check(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', detail: { field, problem: expect.stringMatching(problem) } });
    expect(res.body).not.toMatch(/330302198508150|孙八/);
    expect(sim.control.requests()).toEqual({});
    expect(rows()).toHaveLength(before);
  });

  it('the same roles as the card path: cashier only', async () => {
    expect((await check(byId('normal'), 'auditor')).statusCode).toBe(403);
    expect((await check(byId('normal'), 'admin')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/v1/account/check', payload: byId('normal') })).statusCode).toBe(401);
  });

  it('a person or token the platform does not know is 422 saying what the cashier does next, a platform fault 503; never NOT_INSURED, nothing audited', async () => {
    const before = rows().length;
    const unknown = await check({ idNumber: '111111198101011110' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: 'PERSON_NOT_FOUND', detail: { infno: '1101', errMsg: '未查询到人员信息' }, remedy: { en: expect.stringMatching(/Check the ID number/) } });
    const stale = await check({ ecToken: 'f'.repeat(32) });
    expect(stale.statusCode).toBe(422);
    expect(stale.json().error).toMatchObject({ code: 'EC_TOKEN_INVALID', detail: { errMsg: expect.stringMatching(/电子凭证/) }, remedy: { zh: expect.stringMatching(/刷新/) } });
    sim.control.addFault({ kind: 'timeout', infno: '1101' });
    // A person not asked about before: a fresh answer is reused within one checkout (ACCOUNT_CACHE_SECONDS).
    const down = await check(byId('expired'));
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe('PLATFORM_UNAVAILABLE');
    for (const res of [unknown, stale, down]) expect(res.body).not.toMatch(/NOT_INSURED/);
    expect(rows()).toHaveLength(before);
  });

  it('reads a refusal by the province\'s own infcode when one is configured (PLATFORM_PERSON_NOT_FOUND_INFCODES)', async () => {
    // This gateway's code for "no such person" is, say, the generic -1 itself: then every refusal by ID number says so.
    const own = await startWithSimulator({ platformPersonNotFoundInfcodes: [-1] });
    try {
      own.sim.control.addFault({ kind: 'refuse', infno: '1101', errMsg: '业务处理失败' });
      const res = await own.app.inject({ method: 'POST', url: '/v1/account/check', headers: own.auth('cashier'), payload: byId('normal') });
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'PERSON_NOT_FOUND', detail: { infcode: -1, errMsg: '业务处理失败' } });
    } finally {
      await own.close();
    }
  });

  it('writes no full ID number, name or token to the logs', () => {
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20);
    for (const c of SHIPPED_CARDS.values()) {
      expect(log).not.toContain(c.chip.ef06.idNumber);
      expect(log).not.toContain(c.chip.ef06.name);
    }
    for (const tk of issued) expect(log).not.toContain(tk);
  });
});
