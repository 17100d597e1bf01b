import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, startWithSimulator, type TestApp } from '../helpers/app.js';

describe('POST /v1/dev/ec-token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: object, role: 'cashier' | 'auditor' = 'cashier') => t.app.inject({ method: 'POST', url, headers: t.auth(role), payload });

  it('gives an e-voucher for a virtual card of the built-in simulator, good for the account check and the precheck', async () => {
    const issued = await post('/v1/dev/ec-token', { scenario: 'low-balance' });
    expect(issued.statusCode, issued.body).toBe(200);
    const { ecToken } = issued.json() as { ecToken: string };
    const account = await post('/v1/account/check', { ecToken });
    expect(account.json()).toMatchObject({ eligible: true, balance: '3.50', reasons: [] });
    const precheck = await post('/v1/checkout/precheck', { ecToken, cashierId: 'c1', items: [{ lineId: '1', code: 'XN02BEA011A001010100201', quantity: 1, unitPrice: '25.00' }] });
    expect(precheck.json()).toMatchObject({ decision: 'allow', card: null, person: { credential: 'ec-token' }, totals: { insuranceAmount: '3.50', selfPayAmount: '21.50' } });
  });

  it('names the scenarios when the card is unknown, and is for cashiers and admins only', async () => {
    const unknown = await post('/v1/dev/ec-token', { scenario: 'no-such-card' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'NOT_FOUND', detail: { scenarios: expect.arrayContaining(['normal', 'suspended']) } });
    expect((await post('/v1/dev/ec-token', { scenario: 'normal' }, 'auditor')).statusCode).toBe(403);
  });

  it('does not exist when the service talks to a platform of its own', async () => {
    const other = await startWithSimulator();
    try {
      const res = await other.app.inject({ method: 'POST', url: '/v1/dev/ec-token', headers: other.auth('cashier'), payload: { scenario: 'normal' } });
      expect(res.statusCode).toBe(404);
    } finally {
      await other.close();
    }
  });
});
