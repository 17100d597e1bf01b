import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type AccountCredential, CheckoutGuardClient, CheckoutGuardError, type Precheck, type PrecheckRequest } from '../../src/client/index.js';
import { SHIPPED_CARDS } from '../account/platform-fixture.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('the typed client against the real service on loopback', () => {
  let t: TestApp;
  let baseUrl: string;
  let cashier: CheckoutGuardClient;
  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    cashier = new CheckoutGuardClient({ baseUrl: `${baseUrl}/`, token: t.tokens.cashier });
  });
  afterAll(async () => t.close());

  it('walks one checkout: card, PIN, account, precheck, and the auditor finds it', async () => {
    expect((await cashier.health()).status).toBe('ok');
    expect(await cashier.ready()).toEqual({ ready: true, reasons: [] });
    await cashier.dev.insertCard('normal');
    const read = await cashier.readCard();
    expect(read.card?.cardNumber).toBe('X0000****');
    const session = read.cardSession!;
    expect((await cashier.verifyPin(session)).ok).toBe(true);
    expect(await cashier.checkAccount(session)).toMatchObject({ eligible: true, balance: '1250.00' });
    const result = await cashier.precheck({ cardSession: session, cashierId: 'cashier-07', items: [{ lineId: 'a', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' }] });
    expect(result.totals).toMatchObject({ insuranceAmount: '25.00' });
    const auditor = new CheckoutGuardClient({ baseUrl, token: t.tokens.auditor });
    expect(await auditor.auditDecision(result.decisionId)).toMatchObject({ id: result.decisionId, outcome: 'allow' });
    expect((await auditor.auditDecisions({ outcome: 'allow', limit: 5 })).items.map((i) => i.id)).toContain(result.decisionId);
    expect((await cashier.searchCatalogue('阿莫西林', 3)).items.length).toBeGreaterThan(0);
  });

  it('checks an account without the card: by ID number (and name) or by e-voucher token', async () => {
    const normal = SHIPPED_CARDS.get('normal')!.chip.ef06;
    expect(await cashier.checkAccount({ idNumber: normal.idNumber })).toMatchObject({ eligible: true, insured: true, balance: '1250.00', reasons: [] });
    expect(await cashier.checkAccount({ idNumber: normal.idNumber, name: normal.name })).toMatchObject({ eligible: true });
    // The e-voucher component's part, played by the built-in platform simulator's back office.
    const suspended = await cashier.checkAccount({ ecToken: await cashier.dev.ecToken('suspended') });
    expect(suspended).toMatchObject({ eligible: false, insured: true, status: '2', suspendedSince: '2026-06-01' });
    expect(suspended.reasons.map((r) => r.code)).toEqual(['ACCOUNT_SUSPENDED']);
  });

  it('prechecks a basket by e-voucher, the answer naming the person and no card', async () => {
    const result = await cashier.precheck({ ecToken: await cashier.dev.ecToken('normal'), cashierId: 'cashier-07', items: [{ lineId: 'a', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' }] });
    expect(result).toMatchObject({ decision: 'allow', card: null, person: { credential: 'ec-token', idNumber: '3303**********0192' }, totals: { insuranceAmount: '25.00' } });
  });

  it('a mistyped ID number throws the coded 400 naming the field, without repeating the number', async () => {
    const mistyped = '330302198508150193';
    const err = (await cashier.checkAccount({ idNumber: mistyped, name: '孙八' }).catch((e: unknown) => e)) as CheckoutGuardError;
    expect(err).toBeInstanceOf(CheckoutGuardError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_REQUEST', retryable: false, requestId: expect.any(String) });
    expect(err.reason.detail).toMatchObject({ field: 'body/idNumber', problem: expect.stringMatching(/check digit/) });
    for (const text of [err.message, String(err), err.stack ?? '', JSON.stringify(err.reason)]) {
      expect(text).not.toContain('330302198508150');
      expect(text).not.toContain('孙八');
    }
  });

  it('throws the contract\'s reason on a refusal, saying whether to retry', async () => {
    const anonymous = new CheckoutGuardClient({ baseUrl });
    const unauth = await anonymous.readCard().catch((e: unknown) => e);
    expect(unauth).toBeInstanceOf(CheckoutGuardError);
    expect(unauth).toMatchObject({ status: 401, code: 'AUTH_REQUIRED', retryable: false, requestId: expect.any(String) });
    const traced = await anonymous.request('GET', '/v1/audit/verify', undefined, [], 'pos-till-3-0042').catch((e: unknown) => e as CheckoutGuardError);
    expect(traced).toMatchObject({ status: 401, requestId: 'pos-till-3-0042' });
    const forbidden = await cashier.verifyAudit().catch((e: unknown) => e as CheckoutGuardError);
    expect(forbidden).toMatchObject({ status: 403, code: 'FORBIDDEN_ROLE' });
    const invalid = await cashier.precheck({ cardSession: 'x', cashierId: 'c', items: [] }).catch((e: unknown) => e as CheckoutGuardError);
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect((invalid as CheckoutGuardError).reason.detail).toMatchObject({ field: 'body/items' });
    const missing = await cashier.catalogueItem('XZ00ZZZ000Z000000000000').catch((e: unknown) => e as CheckoutGuardError);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('types requests and answers from the route schemas', () => {
    expectTypeOf<PrecheckRequest['items'][number]['quantity']>().toEqualTypeOf<number>();
    expectTypeOf<Precheck['decision']>().toEqualTypeOf<'allow' | 'partial' | 'block'>();
    const items: PrecheckRequest['items'] = [];
    expectTypeOf({ ecToken: 't', cashierId: 'c', items }).toExtend<PrecheckRequest>();
    expectTypeOf({ cardSession: 's', cashierId: 'c', items }).toExtend<PrecheckRequest>();
    expectTypeOf({ cardSession: 's', ecToken: 't', cashierId: 'c', items }).not.toExtend<PrecheckRequest>();
    expectTypeOf({ cashierId: 'c', items }).not.toExtend<PrecheckRequest>();
    expectTypeOf<Precheck['card']>().toExtend<object | null>();
    expectTypeOf<NonNullable<Precheck['person']>['credential']>().toEqualTypeOf<'id-number' | 'ec-token'>();
    expectTypeOf<Precheck['items'][number]['insuranceAmount']>().toEqualTypeOf<string>();
    expectTypeOf<CheckoutGuardClient['checkAccount']>().parameter(0).toEqualTypeOf<string | AccountCredential>();
    expectTypeOf<{ idNumber: string; name: string }>().toExtend<AccountCredential>();
    expectTypeOf<{ ecToken: string }>().toExtend<AccountCredential>();
    // Exactly one credential, and the name only with the ID number.
    expectTypeOf<{ cardSession: string; idNumber: string }>().not.toExtend<AccountCredential>();
    expectTypeOf<{ ecToken: string; name: string }>().not.toExtend<AccountCredential>();
    expectTypeOf<{ name: string }>().not.toExtend<AccountCredential>();
  });
});
