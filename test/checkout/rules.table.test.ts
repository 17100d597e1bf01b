import { describe, expect, it } from 'vitest';
import type { CatalogueEntry, ItemRef } from '../../src/catalogue/entry.js';
import { CatalogueIndex } from '../../src/catalogue/index.js';
import { evaluateBasket, type BasketLine, type BasketResult, type LineResult } from '../../src/checkout/rules.js';
import type { Verdict } from '../../src/checkout/rules-verdict.js';
import { formatYuan, parseYuan, parseRatio } from '../../src/money.js';
import { reason } from '../../src/reasons.js';
import { caseOf, catalogue, context, entry, policy } from './fixtures.js';

const CODE = 'XA01ABD075A002010100483';
const OTHER = 'XN02BEA011A001010100201';
const yuan = (s: string) => parseYuan(s)!;
const ratio = (s: string) => parseRatio(s)!;

interface LineCase {
  name: string;
  /** The catalogue entry for CODE; null: CODE is not in the catalogue. */
  entry: Partial<CatalogueEntry> | null;
  ref?: ItemRef;
  quantity?: number;
  unitPrice: string;
  prescription?: BasketLine['prescription'];
  rules?: Parameters<typeof policy>[0];
  balance?: string;
  verdict: Verdict;
  insurance: string;
  selfPay: string;
  cases: string[];
}

/** One line, one entry: every reason alone, then in combination, with exact amounts. */
const LINE_CASES: LineCase[] = [
  // Covered, no reason.
  { name: 'class A within scope', entry: {}, quantity: 2, unitPrice: '12.50', verdict: 'covered', insurance: '25.00', selfPay: '0.00', cases: [] },
  { name: 'class B pays its own share first', entry: { insuranceClass: 'B', selfPayRatio: ratio('0.10') }, unitPrice: '28.00', verdict: 'covered', insurance: '25.20', selfPay: '2.80', cases: [] },
  { name: 'class B without a ratio uses the regional default', entry: { insuranceClass: 'B' }, quantity: 3, unitPrice: '9.99', verdict: 'covered', insurance: '26.97', selfPay: '3.00', cases: [] },
  { name: 'class B share rounds half up to the fen', entry: { insuranceClass: 'B', selfPayRatio: ratio('0.05') }, unitPrice: '0.10', verdict: 'covered', insurance: '0.09', selfPay: '0.01', cases: [] },
  { name: 'class B ratio 1 leaves insurance nothing', entry: { insuranceClass: 'B', selfPayRatio: ratio('1') }, unitPrice: '8.00', verdict: 'covered', insurance: '0.00', selfPay: '8.00', cases: [] },
  { name: 'a free line', entry: {}, unitPrice: '0', verdict: 'covered', insurance: '0.00', selfPay: '0.00', cases: [] },
  { name: 'listing begins today', entry: { beginDate: '2026-03-15' }, unitPrice: '5.00', verdict: 'covered', insurance: '5.00', selfPay: '0.00', cases: [] },
  { name: 'listing ends today (inclusive)', entry: { endDate: '2026-03-15' }, unitPrice: '5.00', verdict: 'covered', insurance: '5.00', selfPay: '0.00', cases: [] },
  { name: 'price exactly at the cap', entry: { priceCapFen: yuan('30.00') }, unitPrice: '30.00', verdict: 'covered', insurance: '30.00', selfPay: '0.00', cases: [] },
  { name: 'prescription drug with its number', entry: { prescriptionOnly: true }, unitPrice: '15.00', prescription: { rxNo: 'RX-1' }, verdict: 'covered', insurance: '15.00', selfPay: '0.00', cases: [] },
  { name: 'barcode mapped to a listed code', entry: {}, ref: { barcode: '6901234567892' }, unitPrice: '3.00', verdict: 'covered', insurance: '3.00', selfPay: '0.00', cases: [] },
  { name: 'local code mapped to a listed code', entry: {}, ref: { localCode: 'L0001' }, unitPrice: '3.00', verdict: 'covered', insurance: '3.00', selfPay: '0.00', cases: [] },
  { name: 'a per-code limit above the per-line limit', entry: {}, quantity: 12, unitPrice: '1.00', rules: { quantityLimits: { perCode: { [CODE]: 15 } } }, verdict: 'covered', insurance: '12.00', selfPay: '0.00', cases: [] },

  // Every reason alone.
  { name: 'ITEM_NOT_IN_CATALOGUE: unknown code', entry: null, unitPrice: '9.90', verdict: 'self-pay', insurance: '0.00', selfPay: '9.90', cases: ['ITEM_NOT_IN_CATALOGUE/unknown-code'] },
  { name: 'ITEM_NOT_IN_CATALOGUE: unmapped barcode', entry: {}, ref: { barcode: '6900000000000' }, unitPrice: '9.90', verdict: 'self-pay', insurance: '0.00', selfPay: '9.90', cases: ['ITEM_NOT_IN_CATALOGUE/unmapped'] },
  { name: 'ITEM_NOT_IN_CATALOGUE: unmapped local code', entry: {}, ref: { localCode: 'L9999' }, quantity: 2, unitPrice: '4.95', verdict: 'self-pay', insurance: '0.00', selfPay: '9.90', cases: ['ITEM_NOT_IN_CATALOGUE/unmapped'] },
  { name: 'ITEM_NOT_IN_CATALOGUE: barcode mapped to a code no longer listed', entry: null, ref: { barcode: '6901234567892' }, unitPrice: '9.90', verdict: 'self-pay', insurance: '0.00', selfPay: '9.90', cases: ['ITEM_NOT_IN_CATALOGUE/unknown-code'] },
  { name: 'ITEM_NOT_COVERED: class C', entry: { insuranceClass: 'C' }, unitPrice: '18.00', verdict: 'self-pay', insurance: '0.00', selfPay: '18.00', cases: ['ITEM_NOT_COVERED'] },
  { name: 'ITEM_NOT_COVERED: no class', entry: { insuranceClass: null }, unitPrice: '18.00', verdict: 'self-pay', insurance: '0.00', selfPay: '18.00', cases: ['ITEM_NOT_COVERED'] },
  { name: 'ITEM_LISTING_NOT_EFFECTIVE: not yet', entry: { beginDate: '2026-03-16' }, unitPrice: '7.00', verdict: 'self-pay', insurance: '0.00', selfPay: '7.00', cases: ['ITEM_LISTING_NOT_EFFECTIVE/not-yet'] },
  { name: 'ITEM_LISTING_NOT_EFFECTIVE: ended', entry: { endDate: '2026-03-14' }, unitPrice: '7.00', verdict: 'self-pay', insurance: '0.00', selfPay: '7.00', cases: ['ITEM_LISTING_NOT_EFFECTIVE/ended'] },
  { name: 'ITEM_LISTING_NOT_EFFECTIVE: invalid', entry: { valid: false }, unitPrice: '7.00', verdict: 'self-pay', insurance: '0.00', selfPay: '7.00', cases: ['ITEM_LISTING_NOT_EFFECTIVE/invalid'] },
  { name: 'ITEM_DISCONTINUED', entry: { marketStatus: 'discontinued' }, unitPrice: '7.00', verdict: 'self-pay', insurance: '0.00', selfPay: '7.00', cases: ['ITEM_DISCONTINUED'] },
  { name: 'ITEM_PRICE_ABOVE_CAP: excess self-paid (entry)', entry: { priceCapFen: yuan('30.00'), overCapHandling: 'self-pay-excess' }, quantity: 2, unitPrice: '36.00', rules: { overCap: { default: 'refuse' } }, verdict: 'covered', insurance: '60.00', selfPay: '12.00', cases: ['ITEM_PRICE_ABOVE_CAP/self-pay-excess'] },
  { name: 'ITEM_PRICE_ABOVE_CAP: excess self-paid (regional default)', entry: { priceCapFen: yuan('30.00') }, quantity: 2, unitPrice: '36.00', verdict: 'covered', insurance: '60.00', selfPay: '12.00', cases: ['ITEM_PRICE_ABOVE_CAP/self-pay-excess'] },
  { name: 'ITEM_PRICE_ABOVE_CAP: line refused (entry)', entry: { priceCapFen: yuan('30.00'), overCapHandling: 'refuse' }, quantity: 2, unitPrice: '36.00', verdict: 'rejected', insurance: '0.00', selfPay: '72.00', cases: ['ITEM_PRICE_ABOVE_CAP/refuse'] },
  { name: 'ITEM_PRICE_ABOVE_CAP: line refused (regional default)', entry: { priceCapFen: yuan('30.00') }, unitPrice: '30.01', rules: { overCap: { default: 'refuse' } }, verdict: 'rejected', insurance: '0.00', selfPay: '30.01', cases: ['ITEM_PRICE_ABOVE_CAP/refuse'] },
  { name: 'ITEM_RESTRICTED_USE: diagnosis not recorded', entry: { restricted: true, restrictedScope: '限有明确诊断的消化性溃疡患者' }, unitPrice: '20.00', verdict: 'rejected', insurance: '0.00', selfPay: '20.00', cases: ['ITEM_RESTRICTED_USE/needs-diagnosis'] },
  { name: 'ITEM_RESTRICTED_USE: diagnosis recorded', entry: { restricted: true, restrictedScope: '限有明确诊断的消化性溃疡患者' }, unitPrice: '20.00', prescription: { diagnosis: '消化性溃疡' }, verdict: 'covered', insurance: '20.00', selfPay: '0.00', cases: ['ITEM_RESTRICTED_USE/recorded'] },
  { name: 'ITEM_RESTRICTED_USE: hospital-only scope at a pharmacy', entry: { restricted: true, restrictedScope: '限住院患者' }, unitPrice: '20.00', prescription: { diagnosis: '冠心病' }, verdict: 'self-pay', insurance: '0.00', selfPay: '20.00', cases: ['ITEM_RESTRICTED_USE/hospital-only'] },
  { name: 'ITEM_PRESCRIPTION_REQUIRED', entry: { prescriptionOnly: true }, unitPrice: '15.00', verdict: 'rejected', insurance: '0.00', selfPay: '15.00', cases: ['ITEM_PRESCRIPTION_REQUIRED'] },
  { name: 'ITEM_PRESCRIPTION_REQUIRED: a diagnosis is not a prescription number', entry: { prescriptionOnly: true }, unitPrice: '15.00', prescription: { diagnosis: '高血压' }, verdict: 'rejected', insurance: '0.00', selfPay: '15.00', cases: ['ITEM_PRESCRIPTION_REQUIRED'] },
  { name: 'ITEM_QUANTITY_LIMIT: units above the line limit self-paid', entry: {}, quantity: 12, unitPrice: '5.00', verdict: 'covered', insurance: '50.00', selfPay: '10.00', cases: ['ITEM_QUANTITY_LIMIT/self-pay-excess'] },
  { name: 'ITEM_QUANTITY_LIMIT: line refused above the line limit', entry: {}, quantity: 12, unitPrice: '5.00', rules: { quantityLimits: { overLimit: 'refuse' } }, verdict: 'rejected', insurance: '0.00', selfPay: '60.00', cases: ['ITEM_QUANTITY_LIMIT/refuse'] },
  { name: 'ITEM_QUANTITY_LIMIT: per-code limit', entry: {}, quantity: 4, unitPrice: '5.00', rules: { quantityLimits: { perCode: { [CODE]: 3 } } }, verdict: 'covered', insurance: '15.00', selfPay: '5.00', cases: ['ITEM_QUANTITY_LIMIT/self-pay-excess'] },
  { name: 'ACCOUNT_BALANCE_LOW: the account pays what it holds', entry: {}, quantity: 2, unitPrice: '12.50', balance: '20.00', verdict: 'covered', insurance: '20.00', selfPay: '5.00', cases: ['ACCOUNT_BALANCE_LOW'] },
  { name: 'ACCOUNT_BALANCE_LOW: an empty account', entry: {}, unitPrice: '12.50', balance: '0', verdict: 'covered', insurance: '0.00', selfPay: '12.50', cases: ['ACCOUNT_BALANCE_LOW'] },
  { name: 'balance exactly enough', entry: {}, quantity: 2, unitPrice: '12.50', balance: '25.00', verdict: 'covered', insurance: '25.00', selfPay: '0.00', cases: [] },

  // Combinations: self-pay outranks rejected, every reason is still listed.
  { name: 'discontinued, class C, no prescription', entry: { marketStatus: 'discontinued', insuranceClass: 'C', prescriptionOnly: true }, unitPrice: '11.00', verdict: 'self-pay', insurance: '0.00', selfPay: '11.00', cases: ['ITEM_DISCONTINUED', 'ITEM_NOT_COVERED', 'ITEM_PRESCRIPTION_REQUIRED'] },
  { name: 'ended and invalid: one reason, the invalid case', entry: { valid: false, endDate: '2024-12-31' }, unitPrice: '11.00', verdict: 'self-pay', insurance: '0.00', selfPay: '11.00', cases: ['ITEM_LISTING_NOT_EFFECTIVE/invalid'] },
  { name: 'not yet in effect, class B, above cap', entry: { beginDate: '2027-01-01', insuranceClass: 'B', priceCapFen: yuan('5.00') }, unitPrice: '6.00', verdict: 'self-pay', insurance: '0.00', selfPay: '6.00', cases: ['ITEM_LISTING_NOT_EFFECTIVE/not-yet'] },
  { name: 'hospital-only and no prescription', entry: { restricted: true, restrictedScope: '限医疗机构使用', prescriptionOnly: true }, unitPrice: '40.00', verdict: 'self-pay', insurance: '0.00', selfPay: '40.00', cases: ['ITEM_RESTRICTED_USE/hospital-only', 'ITEM_PRESCRIPTION_REQUIRED'] },
  { name: 'no prescription and no diagnosis', entry: { restricted: true, restrictedScope: '限二型糖尿病', prescriptionOnly: true }, unitPrice: '40.00', verdict: 'rejected', insurance: '0.00', selfPay: '40.00', cases: ['ITEM_PRESCRIPTION_REQUIRED', 'ITEM_RESTRICTED_USE/needs-diagnosis'] },
  { name: 'no prescription, price refused above cap', entry: { prescriptionOnly: true, priceCapFen: yuan('10.00'), overCapHandling: 'refuse' }, unitPrice: '12.00', verdict: 'rejected', insurance: '0.00', selfPay: '12.00', cases: ['ITEM_PRESCRIPTION_REQUIRED', 'ITEM_PRICE_ABOVE_CAP/refuse'] },
  { name: 'no prescription, excess above cap would be self-paid', entry: { prescriptionOnly: true, priceCapFen: yuan('10.00') }, unitPrice: '12.00', verdict: 'rejected', insurance: '0.00', selfPay: '12.00', cases: ['ITEM_PRESCRIPTION_REQUIRED', 'ITEM_PRICE_ABOVE_CAP/self-pay-excess'] },
  { name: 'no prescription, too many units, line refused', entry: { prescriptionOnly: true }, quantity: 11, unitPrice: '2.00', rules: { quantityLimits: { overLimit: 'refuse' } }, verdict: 'rejected', insurance: '0.00', selfPay: '22.00', cases: ['ITEM_PRESCRIPTION_REQUIRED', 'ITEM_QUANTITY_LIMIT/refuse'] },
  { name: 'class B above cap above limit: cap, then limit, then share', entry: { insuranceClass: 'B', selfPayRatio: ratio('0.10'), priceCapFen: yuan('30.00') }, quantity: 12, unitPrice: '36.00', verdict: 'covered', insurance: '270.00', selfPay: '162.00', cases: ['ITEM_QUANTITY_LIMIT/self-pay-excess', 'ITEM_PRICE_ABOVE_CAP/self-pay-excess'] },
  { name: 'class B above cap with a low balance', entry: { insuranceClass: 'B', selfPayRatio: ratio('0.20'), priceCapFen: yuan('50.00') }, quantity: 3, unitPrice: '55.55', balance: '100.00', verdict: 'covered', insurance: '100.00', selfPay: '66.65', cases: ['ITEM_PRICE_ABOVE_CAP/self-pay-excess', 'ACCOUNT_BALANCE_LOW'] },
  { name: 'restricted, recorded, prescribed, class B, above cap', entry: { restricted: true, restrictedScope: '限消化性溃疡', prescriptionOnly: true, insuranceClass: 'B', selfPayRatio: ratio('0.10'), priceCapFen: yuan('20.00') }, quantity: 2, unitPrice: '21.00', prescription: { rxNo: 'RX-9', diagnosis: '十二指肠球部溃疡 K26' }, verdict: 'covered', insurance: '36.00', selfPay: '6.00', cases: ['ITEM_RESTRICTED_USE/recorded', 'ITEM_PRICE_ABOVE_CAP/self-pay-excess'] },
  { name: 'not in catalogue with a prescription given', entry: null, unitPrice: '9.90', prescription: { rxNo: 'RX-2' }, verdict: 'self-pay', insurance: '0.00', selfPay: '9.90', cases: ['ITEM_NOT_IN_CATALOGUE/unknown-code'] },
  { name: 'a self-pay line does not touch the balance', entry: { insuranceClass: 'C' }, unitPrice: '50.00', balance: '0', verdict: 'self-pay', insurance: '0.00', selfPay: '50.00', cases: ['ITEM_NOT_COVERED'] },
];

function indexFor(c: LineCase): CatalogueIndex {
  const mappings = [
    { localCode: 'L0001', barcode: '6901234567892', code: CODE },
  ];
  return catalogue(c.entry === null ? [entry(OTHER)] : [entry(CODE, c.entry), entry(OTHER)], mappings);
}

function runLine(c: LineCase): { result: BasketResult; line: LineResult } {
  const line: BasketLine = { lineId: '1', ref: c.ref ?? { code: CODE }, quantity: c.quantity ?? 1, unitPriceFen: yuan(c.unitPrice) };
  if (c.prescription) line.prescription = c.prescription;
  const result = evaluateBasket([line], context(indexFor(c), { policy: policy(c.rules), balanceFen: c.balance === undefined ? undefined : yuan(c.balance) }));
  return { result, line: result.lines[0]! };
}

describe('one line: every reason alone and in combination, exact amounts', () => {
  it.each(LINE_CASES)('$name', (c) => {
    const { result, line } = runLine(c);
    expect({ verdict: line.verdict, insurance: formatYuan(line.insuranceFen), selfPay: formatYuan(line.selfPayFen), cases: line.reasons.map(caseOf) })
      .toEqual({ verdict: c.verdict, insurance: c.insurance, selfPay: c.selfPay, cases: c.cases });
    expect(line.insuranceFen + line.selfPayFen).toBe(line.totalFen);
    expect(result.decision).toBe(c.verdict === 'covered' ? 'allow' : 'partial');
    expect(line.message.zh.length).toBeGreaterThan(0);
    expect(line.message.en.length).toBeGreaterThan(0);
  });

  it('puts the exact excess and limits in the reason details', () => {
    const { line } = runLine(LINE_CASES.find((c) => c.name.startsWith('class B above cap above limit'))!);
    expect(line.cash).toEqual({ classB: yuan('30.00'), aboveCap: yuan('60.00'), overLimit: yuan('72.00'), balance: 0 });
    expect(line.reasons[0]!.detail).toEqual({ variant: 'self-pay-excess', code: CODE, scope: 'per-line', limit: 10, quantity: 12, payableQuantity: 10, excess: '72.00' });
    expect(line.reasons[1]!.detail).toEqual({ variant: 'self-pay-excess', code: CODE, unitPrice: '36.00', cap: '30.00', excess: '60.00' });
    expect(line.reasons[1]!.severity).toBe('warning');
  });

  it('keeps the diagnosis text out of the answer, and records the prescription number', () => {
    const { line } = runLine(LINE_CASES.find((c) => c.name.startsWith('restricted, recorded'))!);
    expect(line.reasons[0]).toMatchObject({ code: 'ITEM_RESTRICTED_USE', severity: 'info', detail: { variant: 'recorded', scope: '限消化性溃疡', rxNo: 'RX-9' } });
    expect(JSON.stringify(line)).not.toContain('K26');
  });
});

describe('the cashier line message', () => {
  it('names what insurance pays and every cash part', () => {
    const { line } = runLine(LINE_CASES.find((c) => c.name.startsWith('class B above cap with a low balance'))!);
    // 3 x 55.55 = 166.65; cap 3 x 50 = 150; class-B 20% = 30; insurance 120 cut to the 100 balance.
    expect(line.message.en).toBe('Insurance pays 100.00; collect 66.65 from the customer (class-B share 30.00, above the price cap 16.65, account balance short 20.00).');
    expect(line.message.zh).toBe('医保支付 100.00 元；向顾客收取现金 66.65 元（乙类先行自付 30.00 元，超出限价部分 16.65 元，个人账户余额不足部分 20.00 元）。');
  });

  it('says nothing is to be collected when insurance pays all', () => {
    expect(runLine(LINE_CASES[0]!).line.message).toEqual({ zh: '医保支付 25.00 元，无需另收现金。', en: 'Insurance pays 25.00; nothing to collect.' });
  });

  it('gives the fix for a rejected line, and the amount if the customer pays instead', () => {
    const { line } = runLine(LINE_CASES.find((c) => c.name === 'no prescription and no diagnosis')!);
    expect(line.message.en).toContain('enter its number and precheck again');
    expect(line.message.en).toContain('record the diagnosis that meets the restricted scope');
    expect(line.message.en).toContain('collect 40.00');
    expect(line.message.zh).toContain('录入处方编号');
    expect(line.message.zh).toContain('40.00 元');
  });

  it('tells the cashier to collect the whole line, citing only the deciding reasons', () => {
    const { line } = runLine(LINE_CASES.find((c) => c.name === 'hospital-only and no prescription')!);
    expect(line.message.en).toBe('Insurance does not pay: The restricted scope is for hospitals only (e.g. inpatients); insurance cannot pay at a pharmacy. Collect the full 40.00 from the customer (remove the line if they decline).');
    expect(line.message.zh).toContain('收取全额 40.00 元');
  });
});

describe('the basket: limits across lines, balance, decision, totals', () => {
  const index = catalogue([entry(CODE), entry(OTHER, { insuranceClass: 'B', selfPayRatio: ratio('0.10') }), entry('XC00000000000000000000C', { insuranceClass: 'C' })]);
  const line = (lineId: string, code: string, quantity: number, price: string, over: Partial<BasketLine> = {}): BasketLine => ({ lineId, ref: { code }, quantity, unitPriceFen: yuan(price), ...over });
  const summary = (r: BasketResult) => r.lines.map((l) => [l.lineId, l.verdict, formatYuan(l.insuranceFen), formatYuan(l.selfPayFen), l.reasons.map(caseOf).join(',')]);

  it('limits one code across lines, in basket order, then refuses more', () => {
    const r = evaluateBasket([line('a', CODE, 10, '1.00'), line('b', CODE, 10, '1.00'), line('c', CODE, 5, '1.00')], context(index, { policy: policy({ quantityLimits: { maxPerCodePerPurchase: 15 } }) }));
    expect(summary(r)).toEqual([
      ['a', 'covered', '10.00', '0.00', ''],
      ['b', 'covered', '5.00', '5.00', 'ITEM_QUANTITY_LIMIT/self-pay-excess'],
      ['c', 'self-pay', '0.00', '5.00', 'ITEM_QUANTITY_LIMIT/exhausted'],
    ]);
    expect(r.lines[1]!.reasons[0]!.detail).toMatchObject({ scope: 'per-code-per-purchase', limit: 15, payableQuantity: 5 });
    expect(r.decision).toBe('partial');
  });

  it('counts lines a fix would make payable, not self-pay lines, towards the lines-per-purchase limit', () => {
    const r = evaluateBasket([
      line('a', CODE, 1, '1.00'),
      line('x', 'XC00000000000000000000C', 1, '1.00'),
      line('b', OTHER, 1, '1.00', {}),
      line('c', OTHER, 1, '1.00'),
    ], context(catalogue([entry(CODE, { prescriptionOnly: true }), entry(OTHER), entry('XC00000000000000000000C', { insuranceClass: 'C' })]), { policy: policy({ quantityLimits: { maxLinesPerPurchase: 2 } }) }));
    expect(summary(r)).toEqual([
      ['a', 'rejected', '0.00', '1.00', 'ITEM_PRESCRIPTION_REQUIRED'],
      ['x', 'self-pay', '0.00', '1.00', 'ITEM_NOT_COVERED'],
      ['b', 'covered', '1.00', '0.00', ''],
      ['c', 'self-pay', '0.00', '1.00', 'ITEM_QUANTITY_LIMIT/exhausted'],
    ]);
    expect(r.lines[3]!.reasons[0]!.detail).toMatchObject({ scope: 'lines-per-purchase', limit: 2 });
  });

  it('pays covered lines from the balance in order and warns once for the basket', () => {
    const r = evaluateBasket([line('a', CODE, 2, '12.50'), line('x', 'XC00000000000000000000C', 1, '3.00'), line('b', OTHER, 1, '28.00'), line('c', CODE, 1, '1.00')], context(index, { balanceFen: yuan('30.00') }));
    expect(summary(r)).toEqual([
      ['a', 'covered', '25.00', '0.00', ''],
      ['x', 'self-pay', '0.00', '3.00', 'ITEM_NOT_COVERED'],
      ['b', 'covered', '5.00', '23.00', 'ACCOUNT_BALANCE_LOW'],
      ['c', 'covered', '0.00', '1.00', 'ACCOUNT_BALANCE_LOW'],
    ]);
    expect(r.reasons.map((x) => [x.code, x.severity, x.detail])).toEqual([['ACCOUNT_BALANCE_LOW', 'warning', { balance: '30.00', short: '21.20' }]]);
    expect(r.totals).toEqual({ totalFen: yuan('57.00'), insuranceFen: yuan('30.00'), selfPayFen: yuan('27.00') });
    expect(r.decision).toBe('partial');
  });

  it('allows a basket whose every line is covered, class-B shares included', () => {
    const r = evaluateBasket([line('a', CODE, 2, '12.50'), line('b', OTHER, 1, '28.00')], context(index, { balanceFen: yuan('1250.00') }));
    expect(r.decision).toBe('allow');
    expect(r.totals).toEqual({ totalFen: yuan('53.00'), insuranceFen: yuan('50.20'), selfPayFen: yuan('2.80') });
    expect(r.reasons).toEqual([]);
  });

  it('is partial, not blocked, when no line is payable', () => {
    const r = evaluateBasket([line('x', 'XC00000000000000000000C', 1, '3.00')], context(index));
    expect(r.decision).toBe('partial');
  });
});

describe('the class-B share by person type (1319 selfpay_prop_psn_type)', () => {
  // OTHER: class B at 10% by default, 5% for retirees (21); CODE: class B at the regional default, 3% for retirees.
  const index = catalogue([entry(CODE, { insuranceClass: 'B' }), entry(OTHER, { insuranceClass: 'B', selfPayRatio: ratio('0.10'), priceCapFen: yuan('30.00') }), entry('XC00000000000000000000A')],
    [], { [OTHER]: { '21': ratio('0.05') }, [CODE]: { '21': ratio('0.03') } });
  const basket: BasketLine[] = [
    { lineId: 'a', ref: { code: OTHER }, quantity: 2, unitPriceFen: yuan('36.00') },
    { lineId: 'b', ref: { code: CODE }, quantity: 1, unitPriceFen: yuan('9.99') },
    { lineId: 'c', ref: { code: 'XC00000000000000000000A' }, quantity: 1, unitPriceFen: yuan('5.00') },
  ];
  const amounts = (r: BasketResult) => r.lines.map((l) => [l.lineId, formatYuan(l.insuranceFen), formatYuan(l.selfPayFen), formatYuan(l.cash.classB)]);

  it('a retiree pays the retiree share; an employee, no person type or an unknown one, the default', () => {
    const retired = evaluateBasket(basket, context(index, { personType: '21' }));
    // a: 2 x 36.00 = 72.00, cap 2 x 30.00 = 60.00, above cap 12.00; class B 5% of 60.00 = 3.00 (10%: 6.00). b: 3% of 9.99 = 0.30 (default 10%: 1.00).
    expect(amounts(retired)).toEqual([['a', '57.00', '15.00', '3.00'], ['b', '9.69', '0.30', '0.30'], ['c', '5.00', '0.00', '0.00']]);
    const employed = amounts(evaluateBasket(basket, context(index, { personType: '11' })));
    expect(employed).toEqual([['a', '54.00', '18.00', '6.00'], ['b', '8.99', '1.00', '1.00'], ['c', '5.00', '0.00', '0.00']]);
    for (const personType of [undefined, null, '', '99']) expect(amounts(evaluateBasket(basket, context(index, { personType })))).toEqual(employed);
    for (const l of retired.lines) expect(l.insuranceFen + l.selfPayFen).toBe(l.totalFen);
    expect(retired.totals).toEqual({ totalFen: yuan('86.99'), insuranceFen: yuan('71.69'), selfPayFen: yuan('15.30') });
  });

  it('the reasons and the message wording stay the same; only the amounts differ', () => {
    const retired = evaluateBasket(basket, context(index, { personType: '21' })).lines[0]!;
    const employed = evaluateBasket(basket, context(index, { personType: '11' })).lines[0]!;
    expect(retired.reasons).toEqual(employed.reasons);
    expect(retired.message.en).toBe('Insurance pays 57.00; collect 15.00 from the customer (class-B share 3.00, above the price cap 12.00).');
    expect(employed.message.en).toBe('Insurance pays 54.00; collect 18.00 from the customer (class-B share 6.00, above the price cap 12.00).');
  });
});

describe('the gate: card, account and system problems block the basket', () => {
  const index = catalogue([entry(CODE)]);
  const basket: BasketLine[] = [{ lineId: '1', ref: { code: CODE }, quantity: 2, unitPriceFen: yuan('12.50') }, { lineId: '2', ref: { code: 'XZ99ZZZ999Z999999999999' }, quantity: 1, unitPriceFen: yuan('9.90') }];

  it.each(['CARD_REPORTED_LOST', 'ACCOUNT_SUSPENDED', 'PLATFORM_UNAVAILABLE', 'TERMINAL_TIMEOUT'] as const)('%s: block, nothing paid, no coverage reason on any line', (code) => {
    const r = evaluateBasket(basket, context(index, { gate: [reason(code)], balanceFen: yuan('100.00') }));
    expect(r.decision).toBe('block');
    expect(r.reasons.map((x) => x.code)).toEqual([code]);
    expect(r.lines.map((l) => [l.verdict, l.insuranceFen, l.selfPayFen, l.reasons])).toEqual([['self-pay', 0, 2500, []], ['self-pay', 0, 990, []]]);
    expect(r.totals).toEqual({ totalFen: 3490, insuranceFen: 0, selfPayFen: 3490 });
    expect(r.lines[0]!.message.en).toContain('Insurance cannot pay in this purchase');
    expect(r.lines[0]!.message.zh).toContain(reason(code).message.zh);
  });

  it('CATALOGUE_NOT_LOADED never turns into ITEM_NOT_IN_CATALOGUE', () => {
    const r = evaluateBasket(basket, context(new CatalogueIndex(null, []), { gate: [reason('CATALOGUE_NOT_LOADED')] }));
    expect(r.decision).toBe('block');
    expect(r.lines.flatMap((l) => l.reasons)).toEqual([]);
    expect(r.lines.map((l) => l.code)).toEqual([CODE, 'XZ99ZZZ999Z999999999999']);
  });

  it('a warning alone does not block', () => {
    const r = evaluateBasket(basket.slice(0, 1), context(index, { gate: [reason('ACCOUNT_BALANCE_LOW')] }));
    expect(r.decision).toBe('allow');
  });
});

describe('the engine refuses arithmetic it cannot do exactly', () => {
  const index = catalogue([entry(CODE)]);
  it.each([
    ['a fractional quantity', { quantity: 1.5 }],
    ['a zero quantity', { quantity: 0 }],
    ['a negative price', { unitPriceFen: -1 }],
    ['a fractional fen', { unitPriceFen: 0.5 }],
    ['a line total beyond the exact range', { quantity: 9999, unitPriceFen: 100_000_000 }],
  ])('%s', (_, over) => {
    expect(() => evaluateBasket([{ lineId: '1', ref: { code: CODE }, quantity: 1, unitPriceFen: 100, ...over }], context(index))).toThrow(RangeError);
  });
});
