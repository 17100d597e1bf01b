import fastJsonStringify from 'fast-json-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { PrecheckAnswer } from '../../src/http/routes/checkout.js';
import { readScenario, startTestApp, type TestApp } from '../helpers/app.js';

const STATIN = 'XC10AAA058A001010100123'; // sample catalogue: class B 10%, cap 30.00, prescription only
const UNKNOWN = 'XZ99ZZZ999Z999999999999';

const line = (over: Record<string, unknown> = {}) => ({ lineId: '1', code: STATIN, quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX-1' }, ...over });
const lines = (n: number) => Array.from({ length: n }, (_, i) => line({ lineId: String(i) }));

describe('POST /v1/checkout/precheck over HTTP', () => {
  let t: TestApp;
  let cardSession: string;
  beforeAll(async () => {
    t = await startTestApp();
    cardSession = (await readScenario(t, 'normal')).cardSession;
  });
  afterAll(async () => t.close());

  const precheck = (payload: unknown) => t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: payload as Record<string, unknown> });

  describe('a bad basket is refused with 400 naming the field, and nothing is audited', () => {
    const cases: [string, (s: string) => unknown, string][] = [
      ['an empty basket', (s) => ({ cardSession: s, cashierId: 'c1', items: [] }), 'body/items'],
      ['1,000 lines', (s) => ({ cardSession: s, cashierId: 'c1', items: lines(1000) }), 'body/items'],
      ['one line above the limit of 500', (s) => ({ cardSession: s, cashierId: 'c1', items: lines(501) }), 'body/items'],
      ['a negative quantity', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ quantity: -1 })] }), 'body/items/0/quantity'],
      ['a zero quantity', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ quantity: 0 })] }), 'body/items/0/quantity'],
      ['a fractional quantity', (s) => ({ cardSession: s, cashierId: 'c1', items: [line(), line({ lineId: '2', quantity: 2.5 })] }), 'body/items/1/quantity'],
      ['a quantity as text', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ quantity: '2' })] }), 'body/items/0/quantity'],
      ['a price with three decimals', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ unitPrice: '12.505' })] }), 'body/items/0/unitPrice'],
      ['a negative price', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ unitPrice: '-1.00' })] }), 'body/items/0/unitPrice'],
      ['a price as a binary float', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ unitPrice: 12.5 })] }), 'body/items/0/unitPrice'],
      ['a price in exponent form', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ unitPrice: '1e3' })] }), 'body/items/0/unitPrice'],
      ['a line total beyond exact arithmetic', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ quantity: 9999, unitPrice: '9999999999.99' })] }), 'body/items/0/quantity'],
      ['duplicate lineIds', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ lineId: 'a' }), line({ lineId: 'b' }), line({ lineId: 'a' })] }), 'body/items/2/lineId'],
      ['an unknown field on a line', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ discount: '1.00' })] }), 'body/items/0/discount'],
      ['an unknown field on the basket', (s) => ({ cardSession: s, cashierId: 'c1', items: [line()], coupon: 'X' }), 'body/coupon'],
      ['an unknown field in the prescription', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ prescription: { rxNo: 'RX-1', doctor: 'Dr' } })] }), 'body/items/0/prescription/doctor'],
      ['a line naming no item', (s) => ({ cardSession: s, cashierId: 'c1', items: [{ lineId: '1', quantity: 1, unitPrice: '1.00' }] }), 'body/items/0'],
      ['a line naming two items', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ barcode: '6901234567892' })] }), 'body/items/0'],
      ['a lower-case national code', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ code: STATIN.toLowerCase() })] }), 'body/items/0/code'],
      ['a blank prescription number', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ prescription: { rxNo: '   ' } })] }), 'body/items/0/prescription/rxNo'],
      ['a control byte in a line id', (s) => ({ cardSession: s, cashierId: 'c1', items: [line({ lineId: 'a\u0000' })] }), 'body/items/0/lineId'],
      ['no cashier', (s) => ({ cardSession: s, items: [line()] }), 'body/cashierId'],
      ['no card session', () => ({ cashierId: 'c1', items: [line()] }), 'body/cardSession'],
    ];
    it.each(cases)('%s', async (_, body, field) => {
      const before = t.app.services.audit.count();
      const res = await precheck(body(cardSession));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', detail: { field } });
      expect(t.app.services.audit.count()).toBe(before);
    });
  });

  it('answers a mixed basket with verdicts, exact amounts and a cashier message per line', async () => {
    const res = await precheck({
      cardSession, cashierId: 'c1',
      items: [
        line({ lineId: 'statin', quantity: 2, unitPrice: '31.00' }),
        line({ lineId: 'no-rx', prescription: undefined }),
        { lineId: 'unknown', code: UNKNOWN, quantity: 1, unitPrice: '9.90' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.decision).toBe('partial');
    // 2 x 31.00 = 62.00; cap 30.00 -> eligible 60.00; class B 10% -> 6.00; insurance 54.00.
    expect(body.items.map((l: Record<string, unknown>) => [l['lineId'], l['verdict'], l['insuranceAmount'], l['selfPayAmount']])).toEqual([
      ['statin', 'covered', '54.00', '8.00'],
      ['no-rx', 'rejected', '0.00', '28.00'],
      ['unknown', 'self-pay', '0.00', '9.90'],
    ]);
    expect(body.totals).toEqual({ totalAmount: '99.90', insuranceAmount: '54.00', selfPayAmount: '45.90' });
    expect(body.items[0].message.en).toBe('Insurance pays 54.00; collect 8.00 from the customer (class-B share 6.00, above the price cap 2.00).');
    expect(body.items[1].reasons.map((r: { code: string }) => r.code)).toEqual(['ITEM_PRESCRIPTION_REQUIRED']);
    expect(body.items[1].message.zh).toContain('录入处方编号');
    expect(body.items[2].reasons[0]).toMatchObject({ code: 'ITEM_NOT_IN_CATALOGUE', detail: { variant: 'unknown-code', code: UNKNOWN } });
  });

  it('answers with the audited decision byte for byte, in exactly the shape the answer schema documents', async () => {
    const res = await precheck({ cardSession, cashierId: 'c1', items: [line({ quantity: 2, unitPrice: '31.00' }), { lineId: '2', code: UNKNOWN, quantity: 1, unitPrice: '9.90' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json() as { decisionId: string };
    const { decisionId, ...decision } = body;
    expect(res.body).toBe(`{"decisionId":${JSON.stringify(decisionId)},${canonicalJson(decision).slice(1)}`);
    expect(t.app.services.audit.get(decisionId)?.decision).toEqual(decision);
    // What the schema's serialiser keeps is everything there is: nothing undocumented goes out.
    expect(JSON.parse(fastJsonStringify(PrecheckAnswer)(body))).toEqual(body);
  });

  it('hands the audit trail its decisions already in the encoding\'s key order (card, account, lines, reasons), so recording copies nothing', async () => {
    const audit = t.app.services.audit;
    const bodies: unknown[] = [];
    const append = audit.append.bind(audit);
    audit.append = (input) => {
      bodies.push(input.body);
      return append(input);
    };
    try {
      const read = await readScenario(t, 'normal');
      await precheck({ cardSession: read.cardSession, cashierId: 'c1', items: [line({ quantity: 12, unitPrice: '31.00' }), { lineId: '2', code: UNKNOWN, quantity: 1, unitPrice: '9.90' }, line({ lineId: '3', prescription: undefined })] });
    } finally {
      audit.append = append;
    }
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(JSON.stringify(body)).toBe(canonicalJson(body));
  });

  it('lets a low balance cap the account share with a warning, not a block', async () => {
    const low = (await readScenario(t, 'low-balance')).cardSession;
    const res = await precheck({ cardSession: low, cashierId: 'c1', items: [line()] });
    const body = res.json();
    expect(body.decision).toBe('allow');
    expect(body.items[0]).toMatchObject({ verdict: 'covered', insuranceAmount: body.account.balance });
    expect(body.reasons.map((r: { code: string; severity: string }) => [r.code, r.severity])).toEqual([['ACCOUNT_BALANCE_LOW', 'warning']]);
  });

  it('charges a retiree (1101 psn_type 21) the retiree class-B share the payment policy sets, an employee the default', async () => {
    const basket = { cashierId: 'c1', items: [line({ quantity: 2, unitPrice: '31.00' })] };
    const amounts = (res: { json(): unknown }) => {
      const body = res.json() as { items: { insuranceAmount: string; selfPayAmount: string; message: { en: string }; reasons: unknown[] }[] };
      return [body.items[0]!.insuranceAmount, body.items[0]!.selfPayAmount, body.items[0]!.message.en];
    };
    const employed = await precheck({ cardSession: (await readScenario(t, 'normal')).cardSession, ...basket });
    const retired = await precheck({ cardSession: (await readScenario(t, 'retired')).cardSession, ...basket });
    expect(retired.statusCode, retired.body).toBe(200);
    // Eligible 60.00 (cap 30.00): class B 10% = 6.00 for the employee, 5% = 3.00 for the retiree; 2.00 above the cap either way.
    expect(amounts(employed)).toEqual(['54.00', '8.00', 'Insurance pays 54.00; collect 8.00 from the customer (class-B share 6.00, above the price cap 2.00).']);
    expect(amounts(retired)).toEqual(['57.00', '5.00', 'Insurance pays 57.00; collect 5.00 from the customer (class-B share 3.00, above the price cap 2.00).']);
    expect(retired.json().decision).toBe('allow');
    // The person type the share was chosen by is in the answer and so in the audited decision.
    expect(retired.json().account.personType).toBe('21');
    expect(employed.json().account.personType).toBe('11');
    expect(t.app.services.audit.get(retired.json().decisionId)?.decision).toMatchObject({ account: { personType: '21' } });
  });
});

describe('POST /v1/checkout/precheck with no catalogue loaded', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seedCatalogue: undefined, seedMapping: undefined });
  });
  afterAll(async () => t.close());

  it('blocks with CATALOGUE_NOT_LOADED and never calls a line not covered', async () => {
    const { cardSession } = await readScenario(t, 'normal');
    const res = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload: { cardSession, cashierId: 'c1', items: [line(), { lineId: '2', barcode: '6901234567892', quantity: 1, unitPrice: '1.00' }] } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.decision).toBe('block');
    expect(body.reasons.map((r: { code: string }) => r.code)).toEqual(['CATALOGUE_NOT_LOADED']);
    expect(body.items.flatMap((l: { reasons: unknown[] }) => l.reasons)).toEqual([]);
    expect(body.items.map((l: { verdict: string }) => l.verdict)).toEqual(['self-pay', 'self-pay']);
    expect(body.items[0].message.en).toContain('The insurance drug catalogue is not loaded');
    expect(body.totals.insuranceAmount).toBe('0.00');
  });
});
