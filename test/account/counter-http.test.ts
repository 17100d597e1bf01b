import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type SimulatorApp } from '../../src/simulator/app.js';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';
import { SHIPPED_CARDS } from './platform-fixture.js';

/**
 * POST /v1/account/check and the precheck, through the real service, against a platform
 * simulator on loopback whose faults the test controls.
 */
describe('the counter uses the platform client', () => {
  let sim: SimulatorApp;
  let t: TestApp;
  beforeAll(async () => {
    sim = await buildSimulator({ cards: SHIPPED_CARDS });
    const platformUrl = await sim.listen({ host: '127.0.0.1', port: 0 });
    t = await startTestApp({ platformUrl, platformTimeoutMs: 300, platformRetries: 0, platformBreakerFailures: 1000 });
  });
  afterEach(() => {
    sim.control.clearFaults();
    sim.control.resetRequests();
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  const accountCheck = (cardSession: string) => t.app.inject({ method: 'POST', url: '/v1/account/check', headers: t.auth('cashier'), payload: { cardSession } });
  const precheck = (cardSession: string) => t.app.inject({
    method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'),
    payload: { cardSession, cashierId: 'c-acct', items: [{ lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' }] },
  });
  type R = { code: string; message: { zh: string; en: string }; remedy?: { zh: string; en: string }; detail?: Record<string, unknown> };
  const codes = (list: R[]) => list.map((r) => r.code);

  it('reports a healthy account: eligible, insured, type, exact balance', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    const res = await accountCheck(cardSession);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ eligible: true, insured: true, personType: '11', status: '1', insuranceType: '310', balance: '1250.00', suspendedSince: null, reasons: [] });
  });

  it.each([
    ['suspended', 'ACCOUNT_SUSPENDED', { status: '2', suspendedSince: '2026-06-01', balance: '86.40' }, /暂停/, /suspended/],
    ['terminated', 'ACCOUNT_TERMINATED', { status: '4' }, /终止/, /terminated/],
    ['not-insured', 'NOT_INSURED', { insured: false, status: null, balance: null }, /未查询到参保/, /No insurance enrolment/],
  ])('%s: the account check says why in zh and en, and the precheck blocks insurance payment', async (scenario, code, account, zh, en) => {
    const { cardSession, body } = await readScenario(t, scenario);
    expect(body['usable']).toBe(true);
    const res = await accountCheck(cardSession);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ eligible: false, ...account });
    const reason = (res.json().reasons as R[]).find((r) => r.code === code)!;
    expect(reason.message.zh).toMatch(zh);
    expect(reason.message.en).toMatch(en);
    expect(reason.remedy?.zh).toMatch(/社会保障部门.*网站.*12333/);
    expect(reason.remedy?.en).toMatch(/social security department.*website.*12333/);

    const pre = await precheck(cardSession);
    expect(pre.statusCode).toBe(200);
    const decision = pre.json();
    expect(decision.decision).toBe('block');
    expect(codes(decision.reasons)).toContain(code);
    expect(decision.totals.insuranceAmount).toBe('0.00');
    expect(decision.items[0]).toMatchObject({ insuranceAmount: '0.00', selfPayAmount: '25.00' });
    expect(decision.account).toMatchObject({ eligible: false });
  });

  it.each([
    ['not-activated', 'CARD_NOT_ACTIVATED'], ['reported-lost', 'CARD_REPORTED_LOST'], ['cancelled', 'CARD_CANCELLED'],
  ])('%s: the back-office card state shows on the card read and blocks the precheck', async (scenario, code) => {
    const { cardSession, body } = await readScenario(t, scenario);
    expect(codes(body['checks'] as R[])).toContain(code);
    expect(body['usable']).toBe(false);
    expect((await precheck(cardSession)).json().decision).toBe('block');
  });

  it('asks the platform once per checkout: the card read, account check and precheck share one answer', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    await accountCheck(cardSession);
    await precheck(cardSession);
    expect(sim.control.requests()['1101']).toBe(1);
    await readScenario(t, 'normal');
    expect(sim.control.requests()['1101']).toBe(2);
  });

  it.each([
    [{ kind: 'http-error' as const, status: 503 }, 'PLATFORM_UNAVAILABLE'],
    [{ kind: 'timeout' as const }, 'PLATFORM_UNAVAILABLE'],
    [{ kind: 'refuse' as const, errMsg: '系统繁忙' }, 'PLATFORM_ERROR'],
    [{ kind: 'malformed' as const }, 'PLATFORM_ERROR'],
  ])('platform fault %j: 503 on the account check, precheck blocked with %s, never NOT_INSURED', async (fault, code) => {
    const { cardSession } = await readScenario(t, 'not-insured');
    sim.control.addFault({ infno: '1101', ...fault });
    // A new read asks afresh: the fault reaches the card read too, as a system reason.
    const again = await readScenario(t, 'not-insured');
    expect(codes(again.body['checks'] as R[])).toEqual([code]);

    const res = await accountCheck(again.cardSession);
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json().error).toMatchObject({ code, detail: { infno: '1101' } });

    const pre = await precheck(again.cardSession);
    expect(pre.statusCode).toBe(200);
    const decision = pre.json();
    expect(decision.decision).toBe('block');
    expect(codes(decision.reasons)).toContain(code);
    expect(JSON.stringify(decision)).not.toContain('NOT_INSURED');
    expect(decision.account).toBeNull();
    expect(decision.totals.insuranceAmount).toBe('0.00');
    const platformReason = (decision.reasons as R[]).find((r) => r.code === code)!;
    expect(platformReason.remedy?.zh).toMatch(/不代表顾客未参保/);
    expect(platformReason.remedy?.en).toMatch(/does not mean the customer is uninsured/);
    expect(cardSession).not.toBe(again.cardSession);
  });
});
