import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import type { CatalogueEntry } from '../../src/catalogue/entry.js';
import { evaluateBasket, type BasketLine, type RulesContext } from '../../src/checkout/rules.js';
import { stronger, verdictOf, type Verdict } from '../../src/checkout/rules-verdict.js';
import { reason } from '../../src/reasons.js';
import { catalogue, entry, policy } from './fixtures.js';

const CODES = Array.from({ length: 8 }, (_, i) => `XP${String(i).padStart(21, '0')}`);
const DATES = [null, '2025-01-01', '2026-03-15', '2026-06-30', '2027-01-01'];

const entryArb = (code: string): fc.Arbitrary<CatalogueEntry> => fc.record({
  insuranceClass: fc.constantFrom('A', 'B', 'C', null),
  selfPayRatio: fc.option(fc.integer({ min: 0, max: 10_000 })),
  priceCapFen: fc.option(fc.integer({ min: 0, max: 200_000 })),
  overCapHandling: fc.constantFrom('self-pay-excess', 'refuse', null),
  restricted: fc.boolean(),
  restrictedScope: fc.constantFrom(null, '限住院患者', '限有明确诊断的患者'),
  prescriptionOnly: fc.boolean(),
  beginDate: fc.constantFrom(...DATES),
  endDate: fc.constantFrom(...DATES),
  valid: fc.boolean(),
  marketStatus: fc.constantFrom('listed', 'discontinued'),
}).map((over) => entry(code, over));

const lineArb: fc.Arbitrary<Omit<BasketLine, 'lineId'>> = fc.record({
  ref: fc.oneof(
    fc.constantFrom(...CODES, 'XZ99ZZZ999Z999999999999').map((code) => ({ code })),
    fc.constantFrom('B1', 'B2', 'B9').map((barcode) => ({ barcode })),
    fc.constantFrom('L1', 'L9').map((localCode) => ({ localCode })),
  ),
  quantity: fc.integer({ min: 1, max: 40 }),
  unitPriceFen: fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 10_000_000 })),
  prescription: fc.option(fc.record({ rxNo: fc.option(fc.constant('RX-1'), { nil: undefined }), diagnosis: fc.option(fc.constant('诊断'), { nil: undefined }) }, { requiredKeys: [] }), { nil: undefined }),
}, { requiredKeys: ['ref', 'quantity', 'unitPriceFen'] });

const scenarioArb = fc.record({
  entries: fc.tuple(...CODES.map(entryArb)),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 30 }),
  limits: fc.record({
    maxPerLine: fc.integer({ min: 1, max: 30 }),
    maxPerCodePerPurchase: fc.integer({ min: 1, max: 60 }),
    maxLinesPerPurchase: fc.integer({ min: 1, max: 30 }),
    overLimit: fc.constantFrom('self-pay-excess' as const, 'refuse' as const),
  }),
  overCap: fc.constantFrom('self-pay-excess' as const, 'refuse' as const),
  classB: fc.constantFrom('0', '0.05', '0.1', '0.3333', '1'),
  balanceFen: fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: undefined }),
  gate: fc.constantFrom([], [], [], ['ACCOUNT_SUSPENDED'] as const, ['PLATFORM_UNAVAILABLE', 'CARD_EXPIRED'] as const),
  /** Class-B proportions of person types 21 and 11 for some codes (1319 selfpay_prop_psn_type). */
  personRatios: fc.dictionary(fc.constantFrom(...CODES), fc.dictionary(fc.constantFrom('11', '21'), fc.integer({ min: 0, max: 10_000 }))),
  personType: fc.constantFrom(undefined, null, '11', '21', '41'),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function setUp(s: Scenario): { lines: BasketLine[]; ctx: RulesContext } {
  const index = catalogue([...s.entries], [{ localCode: 'L1', barcode: 'B1', code: CODES[0]! }, { localCode: null, barcode: 'B2', code: 'XZ00000000000000000000Z' }], s.personRatios);
  const ctx: RulesContext = {
    index,
    policy: policy({ quantityLimits: s.limits, overCap: { default: s.overCap }, classB: { defaultSelfPayRatio: s.classB } }),
    today: '2026-03-15',
    gate: s.gate.map((c) => reason(c)),
    balanceFen: s.balanceFen,
    personType: s.personType,
  };
  return { lines: s.lines.map((l, i) => ({ ...l, lineId: `L${i}` })), ctx };
}

const RUNS = { numRuns: 400 };

describe('rules engine properties', () => {
  it('insurance + self-pay = line total on every line; nothing negative; cash parts add up', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { lines, ctx } = setUp(s);
      for (const l of evaluateBasket(lines, ctx).lines) {
        expect(l.insuranceFen + l.selfPayFen).toBe(l.totalFen);
        expect(l.insuranceFen).toBeGreaterThanOrEqual(0);
        expect(l.selfPayFen).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(l.insuranceFen) && Number.isSafeInteger(l.selfPayFen)).toBe(true);
        for (const part of Object.values(l.cash)) expect(part).toBeGreaterThanOrEqual(0);
        if (l.verdict === 'covered') expect(l.cash.classB + l.cash.aboveCap + l.cash.overLimit + l.cash.balance).toBe(l.selfPayFen);
        else expect(l.insuranceFen).toBe(0);
      }
    }), RUNS);
  });

  it('reasons and messages come out in the audit encoding\'s key order, so recording a decision copies none of them', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { lines, ctx } = setUp(s);
      const r = evaluateBasket(lines, ctx);
      const parts = [r.reasons, ...r.lines.map((l) => [l.reasons, l.message])];
      expect(JSON.stringify(parts)).toBe(canonicalJson(parts));
    }), RUNS);
  });

  it('totals are the sums of the lines', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { lines, ctx } = setUp(s);
      const r = evaluateBasket(lines, ctx);
      const sum = (k: 'totalFen' | 'insuranceFen' | 'selfPayFen') => r.lines.reduce((a, l) => a + l[k], 0);
      expect(r.totals).toEqual({ totalFen: sum('totalFen'), insuranceFen: sum('insuranceFen'), selfPayFen: sum('selfPayFen') });
      expect(r.lines.map((l) => l.lineId)).toEqual(lines.map((l) => l.lineId));
    }), RUNS);
  });

  it('the same basket gets the same answer', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const first = setUp(s);
      const again = setUp(structuredClone(s));
      expect(evaluateBasket(again.lines, again.ctx)).toEqual(evaluateBasket(first.lines, first.ctx));
    }), { numRuns: 200 });
  });

  it('a person type with its own class-B proportion is charged exactly as if that were the code\'s; any other falls back to the default', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { lines, ctx } = setUp(s);
      const own = (code: string) => (s.personType ? s.personRatios[code]?.[s.personType] : undefined);
      const asDefault = setUp({ ...s, entries: s.entries.map((e) => ({ ...e, selfPayRatio: own(e.code) ?? e.selfPayRatio })) as Scenario['entries'], personRatios: {}, personType: undefined });
      expect(evaluateBasket(lines, ctx)).toEqual(evaluateBasket(asDefault.lines, asDefault.ctx));
    }), RUNS);
  });

  it('the account never pays more than its balance', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { lines, ctx } = setUp(s);
      const r = evaluateBasket(lines, ctx);
      if (s.balanceFen !== undefined) expect(r.totals.insuranceFen).toBeLessThanOrEqual(s.balanceFen);
    }), RUNS);
  });

  it('the decision and each verdict follow from the reasons', () => {
    fc.assert(fc.property(scenarioArb, (s) => {
      const { lines, ctx } = setUp(s);
      const r = evaluateBasket(lines, ctx);
      if (s.gate.length > 0) {
        expect(r.decision).toBe('block');
        expect(r.totals.insuranceFen).toBe(0);
        expect(r.lines.every((l) => l.verdict === 'self-pay' && l.reasons.length === 0)).toBe(true);
        return;
      }
      expect(r.decision).toBe(r.lines.every((l) => l.verdict === 'covered') ? 'allow' : 'partial');
      for (const l of r.lines) {
        expect(l.reasons.reduce<Verdict>((v, x) => stronger(v, verdictOf(x)), 'covered')).toBe(l.verdict);
        expect(l.message.zh.length * l.message.en.length).toBeGreaterThan(0);
      }
    }), RUNS);
  });
});
