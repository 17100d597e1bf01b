import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';

describe('the counter slice: card read -> account -> precheck -> audit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const auditCount = () => t.app.services.audit.count();

  it('reports every part on /health without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.catalogue).toMatchObject({ ok: true, rows: 15 });
    expect(body.terminal).toMatchObject({ ok: true, kind: 'mock' });
    expect(body.platform).toMatchObject({ ok: true, simulator: true });
  });

  it('reads a normal card and masks every personal field', async () => {
    const { body } = await readScenario(t, 'normal');
    expect(body['usable']).toBe(true);
    expect(body['checks']).toEqual([]);
    expect(body['card']).toMatchObject({ cardNumber: 'X0000****', idNumber: '3303**********0192', name: '孙*' });
    expect(JSON.stringify(body)).not.toContain('330302198508150192');
  });

  it('checks the account on the platform simulator', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    const res = await t.app.inject({ method: 'POST', url: '/v1/account/check', headers: t.auth('cashier'), payload: { cardSession } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ eligible: true, insured: true, status: '1', insuranceType: '310', balance: '1250.00', reasons: [] });
  });

  it('prechecks a basket with exact split amounts and audits the decision', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    const before = auditCount();
    const res = await t.app.inject({
      method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'),
      payload: {
        cardSession, cashierId: 'cashier-07',
        items: [
          { lineId: 'a', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
          { lineId: 'b', code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX-1' } },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.decision).toBe('allow');
    expect(body.items[0]).toMatchObject({ lineId: 'a', verdict: 'covered', insuranceAmount: '25.00', selfPayAmount: '0.00' });
    // Class B with a 10% self-pay share: 28.00 -> 2.80 by the patient.
    expect(body.items[1]).toMatchObject({ lineId: 'b', verdict: 'covered', insuranceAmount: '25.20', selfPayAmount: '2.80' });
    expect(body.totals).toEqual({ totalAmount: '53.00', insuranceAmount: '50.20', selfPayAmount: '2.80' });
    expect(auditCount()).toBe(before + 1);
    const audited = await t.app.inject({ method: 'GET', url: `/v1/audit/decisions/${body.decisionId}`, headers: t.auth('auditor') });
    expect(audited.statusCode).toBe(200);
    expect(audited.json()).toMatchObject({ kind: 'precheck', outcome: 'allow', cashierId: 'cashier-07', cardMasked: 'X0000****' });
  });

  it('gives ITEM_NOT_IN_CATALOGUE for an unknown item and leaves it to the customer', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    const res = await t.app.inject({
      method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'),
      payload: { cardSession, cashierId: 'c1', items: [{ lineId: '1', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' }] },
    });
    const body = res.json();
    expect(body.decision).toBe('partial');
    expect(body.items[0]).toMatchObject({ verdict: 'self-pay', insuranceAmount: '0.00', selfPayAmount: '9.90' });
    expect(body.items[0].reasons.map((r: { code: string }) => r.code)).toEqual(['ITEM_NOT_IN_CATALOGUE']);
    expect(body.items[0].reasons[0].message.zh).toBeTruthy();
  });

  it('answers a malformed body with 400 INVALID_REQUEST naming the field, and audits nothing', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    const before = auditCount();
    const res = await t.app.inject({
      method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'),
      payload: { cardSession, cashierId: 'c1', items: [{ lineId: '1', code: 'X', quantity: 1.5, unitPrice: '1.00' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', detail: { field: 'body/items/0/quantity' } });
    expect(auditCount()).toBe(before);
  });

  it('answers broken JSON with 400 and no internals', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: { ...t.auth('cashier'), 'content-type': 'application/json' }, payload: '{"cardSession":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_REQUEST');
    expect(res.body).not.toMatch(/at .*\.js|node_modules/);
  });

  it('blocks insurance payment for a suspended account, explaining why', async () => {
    const { cardSession } = await readScenario(t, 'suspended');
    const res = await t.app.inject({
      method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'),
      payload: { cardSession, cashierId: 'c1', items: [{ lineId: '1', localCode: 'L0001', quantity: 1, unitPrice: '12.50' }] },
    });
    const body = res.json();
    expect(body.decision).toBe('block');
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('ACCOUNT_SUSPENDED');
    expect(body.totals.insuranceAmount).toBe('0.00');
    expect(body.reasons[0].remedy.zh).toContain('12333');
  });

  it('requires a token, and the right role', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/card/read' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/v1/card/read', headers: t.auth('auditor') })).statusCode).toBe(403);
  });
});
