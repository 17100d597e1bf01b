import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import type { VirtualCard } from '../../src/emulator/virtual-cards.js';
import { SHIPPED_CARDS } from '../account/platform-fixture.js';
import { readScenario, startWithSimulator, type TestAppWithPlatform } from '../helpers/app.js';

const STATIN = 'XC10AAA058A001010100123'; // sample catalogue: class B 10%, cap 30.00, prescription only
const PARACETAMOL = 'XN02BEA011A001010100201'; // class A

/**
 * POST /v1/checkout/precheck for a customer who shows the medical insurance e-voucher instead
 * of the card, through the real service against the platform simulator on loopback.
 */
describe('precheck by e-voucher', () => {
  let t: TestAppWithPlatform;
  beforeAll(async () => {
    t = await startWithSimulator();
  });
  afterAll(async () => t.close());

  const card = (scenario: string): VirtualCard => SHIPPED_CARDS.get(scenario)!;
  const token = (scenario: string) => t.sim.control.state.issueEcToken(card(scenario));
  const basket = [
    { lineId: '1', code: PARACETAMOL, quantity: 1, unitPrice: '25.00' },
    { lineId: '2', code: STATIN, quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX-1' } },
  ];
  const precheck = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: { cashierId: 'c1', items: basket, ...payload } });
  const record = (id: string) => t.app.services.store.sqlite.prepare('SELECT * FROM audit_decisions WHERE id = ?').get(id) as Record<string, unknown>;

  it('decides the basket as for the card, naming the person masked, with the same amounts', async () => {
    const ec = token('normal');
    const res = await precheck({ ecToken: ec });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json();
    expect(answer).toMatchObject({
      decision: 'allow', card: null,
      person: { credential: 'ec-token', idNumber: '3303**********0192', name: '孙*' },
      account: { eligible: true, balance: '1250.00' },
      totals: { totalAmount: '53.00', insuranceAmount: '50.20', selfPayAmount: '2.80' },
    });
    // The same basket for the same person's card gives the same lines and totals.
    const bySession = await precheck({ cardSession: (await readScenario(t, 'normal')).cardSession });
    expect(bySession.json().items).toEqual(answer.items);
    expect(bySession.json().totals).toEqual(answer.totals);
    expect(bySession.json().person).toBeNull();
    // Audited byte for byte, with the person's keyed hash and no card; the token is nowhere.
    const { decisionId, ...decision } = answer;
    expect(res.body).toBe(`{"decisionId":${JSON.stringify(decisionId)},${canonicalJson(decision).slice(1)}`);
    const row = record(decisionId);
    expect(row).toMatchObject({ kind: 'precheck', outcome: 'allow', card_masked: null, card_hash: null, person_hash: t.app.services.audit.keyedHash(card('normal').chip.ef06.idNumber) });
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(ec);
    expect(stored).not.toContain(card('normal').chip.ef06.idNumber);
    expect(stored).not.toContain(card('normal').chip.ef06.name);
    expect(t.logLines.join('')).not.toContain(ec);
  });

  it.each([
    ['suspended', 'ACCOUNT_SUSPENDED'],
    ['terminated', 'ACCOUNT_TERMINATED'],
    ['not-insured', 'NOT_INSURED'],
  ])('blocks a %s account, saying why', async (scenario, code) => {
    const res = await precheck({ ecToken: token(scenario) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ decision: 'block', totals: { insuranceAmount: '0.00' } });
    expect(res.json().reasons.map((r: { code: string }) => r.code)).toEqual([code]);
  });

  it('blocks an expired or unknown e-voucher with EC_TOKEN_INVALID, whose remedy is to refresh the QR code; audited, never NOT_INSURED', async () => {
    const res = await precheck({ ecToken: 'f'.repeat(32) });
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(answer).toMatchObject({ decision: 'block', account: null, card: null, person: { credential: 'ec-token', idNumber: null, name: null } });
    expect(answer.reasons).toMatchObject([{ code: 'EC_TOKEN_INVALID', remedy: { zh: expect.stringMatching(/刷新/) } }]);
    expect(answer.items.every((l: { insuranceAmount: string }) => l.insuranceAmount === '0.00')).toBe(true);
    expect(res.body).not.toMatch(/NOT_INSURED/);
    expect(record(answer.decisionId)).toMatchObject({ outcome: 'block', reason_codes: expect.stringContaining('EC_TOKEN_INVALID') });
  });

  it('blocks with the platform reason when the platform cannot answer', async () => {
    t.sim.control.addFault({ kind: 'http-error', status: 502, infno: '1101' });
    try {
      const res = await precheck({ ecToken: token('normal') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ decision: 'block', reasons: [{ code: 'PLATFORM_UNAVAILABLE' }] });
    } finally {
      t.sim.control.clearFaults();
    }
  });

  it.each([
    ['both a card session and an e-voucher', { cardSession: 'x', ecToken: 'abc' }, 'body', /only one of cardSession, ecToken/],
    ['neither', {}, 'body/cardSession', /give cardSession, or ecToken/],
    ['an ID number, which proves nobody at the till', { idNumber: '330302198508150192' }, 'body/idNumber', /needs the card \(cardSession\) or the e-voucher/],
    ['an ID number beside a card session', { cardSession: 'x', idNumber: '330302198508150192' }, 'body/idNumber', /account\/check/],
    ['a token with a space', { ecToken: 'ab cd' }, 'body/ecToken', /pattern/],
  ])('refuses %s with 400, auditing nothing', async (_, credential, field, problem) => {
    const before = t.app.services.audit.count();
    const res = await precheck(credential);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', detail: { field } });
    expect(JSON.stringify(res.json().error.detail)).toMatch(problem);
    expect(t.app.services.audit.count()).toBe(before);
  });
});
