import type { CatalogueEntry, ItemRef } from '../catalogue/entry.js';
import { applyRatio, formatYuan } from '../money.js';
import { reason, reasonVariant, type Reason } from '../reasons.js';
import type { BasketLine, CashParts, LineResult, RulesContext } from './rules.js';
import { NO_MESSAGE } from './rules-message.js';
import type { SupplyLimits } from './rules-limits.js';
import { stronger, verdictOf, type Verdict } from './rules-verdict.js';

/**
 * One line against the catalogue and the regional rules, in this order: is it listed, is the
 * listing payable at all (self-pay reasons), did the cashier record what it needs (rejected
 * reasons), the supply limits, the price cap; then the amounts. The account balance is applied
 * to the whole basket afterwards.
 */
export function evaluateLine(line: BasketLine, ctx: RulesContext, limits: SupplyLimits): LineResult {
  const totalFen = line.unitPriceFen * line.quantity;
  const code = ctx.index.resolve(line.ref) ?? null;
  const entry = code === null ? undefined : ctx.index.get(code);
  if (!entry) return unpaid(line, code, null, totalFen, 'self-pay', [notInCatalogue(line.ref, code)]);

  const reasons = listingReasons(entry, line, ctx);
  if (verdictOfAll(reasons) === 'self-pay') return unpaid(line, entry.code, entry.name, totalFen, 'self-pay', reasons);

  const { units, cut } = limits.take(entry.code, line.quantity);
  const overLimitFen = (line.quantity - units) * line.unitPriceFen;
  if (cut) {
    const variant = units === 0 ? 'exhausted' : ctx.policy.overLimit;
    // Details in sorted key order, as the audit encoding writes them (src/reasons.ts sorts any that are not).
    reasons.push(reasonVariant('ITEM_QUANTITY_LIMIT', variant, variant === 'self-pay-excess'
      ? { code: entry.code, excess: formatYuan(overLimitFen), limit: cut.limit, payableQuantity: units, quantity: line.quantity, scope: cut.scope }
      : { code: entry.code, limit: cut.limit, payableQuantity: units, quantity: line.quantity, scope: cut.scope }));
  }

  const cap = entry.priceCapFen;
  const aboveCap = cap !== null && line.unitPriceFen > cap;
  const aboveCapFen = aboveCap ? (line.unitPriceFen - cap) * units : 0;
  if (aboveCap) {
    const handling = entry.overCapHandling ?? ctx.policy.overCapDefault;
    reasons.push(reasonVariant('ITEM_PRICE_ABOVE_CAP', handling, handling === 'self-pay-excess'
      ? { cap: formatYuan(cap), code: entry.code, excess: formatYuan(aboveCapFen), unitPrice: formatYuan(line.unitPriceFen) }
      : { cap: formatYuan(cap), code: entry.code, unitPrice: formatYuan(line.unitPriceFen) }));
  }
  const verdict = verdictOfAll(reasons);
  if (verdict !== 'covered') return unpaid(line, entry.code, entry.name, totalFen, verdict, reasons);

  // Within scope: the price up to the cap on the payable units; a class-B patient pays the share (of their person type) first.
  const eligibleFen = (aboveCap ? cap : line.unitPriceFen) * units;
  const classBFen = entry.insuranceClass === 'B' ? applyRatio(eligibleFen, ctx.index.selfPayRatio(entry, ctx.personType) ?? ctx.policy.classBDefaultRatio) : 0;
  const insuranceFen = eligibleFen - classBFen;
  return {
    lineId: line.lineId, code: entry.code, name: entry.name, verdict: 'covered', totalFen, insuranceFen, selfPayFen: totalFen - insuranceFen,
    cash: { classB: classBFen, aboveCap: aboveCapFen, overLimit: overLimitFen, balance: 0 }, reasons, message: NO_MESSAGE,
  };
}

/** Facts of the listing, then what the counter must record for it. */
function listingReasons(e: CatalogueEntry, line: BasketLine, ctx: RulesContext): Reason[] {
  const out: Reason[] = [];
  if (e.marketStatus === 'discontinued') out.push(reason('ITEM_DISCONTINUED', { code: e.code }));
  const notYet = e.beginDate !== null && ctx.today < e.beginDate;
  const ended = e.endDate !== null && ctx.today > e.endDate;
  if (!e.valid || notYet || ended) {
    const variant = !e.valid ? 'invalid' : ended ? 'ended' : 'not-yet';
    out.push(reasonVariant('ITEM_LISTING_NOT_EFFECTIVE', variant, { beginDate: e.beginDate, code: e.code, endDate: e.endDate, today: ctx.today, valid: e.valid }));
  }
  if (e.insuranceClass === null || e.insuranceClass === 'C') out.push(reason('ITEM_NOT_COVERED', { class: e.insuranceClass, code: e.code }));
  const hospitalOnly = e.restricted && e.restrictedScope !== null && ctx.policy.hospitalOnlyScopes.some((s) => e.restrictedScope!.includes(s));
  if (hospitalOnly) out.push(reasonVariant('ITEM_RESTRICTED_USE', 'hospital-only', { code: e.code, scope: e.restrictedScope }));
  const rxNo = line.prescription?.rxNo;
  if (e.prescriptionOnly && !rxNo) out.push(reason('ITEM_PRESCRIPTION_REQUIRED', { code: e.code }));
  if (e.restricted && !hospitalOnly) {
    // The diagnosis text itself stays out of the answer and the audit trail (health data); the rx number points to it.
    const recorded = line.prescription?.diagnosis !== undefined;
    out.push(reasonVariant('ITEM_RESTRICTED_USE', recorded ? 'recorded' : 'needs-diagnosis', recorded ? { code: e.code, rxNo: rxNo ?? null, scope: e.restrictedScope } : { code: e.code, scope: e.restrictedScope }));
  }
  return out;
}

function verdictOfAll(reasons: readonly Reason[]): Verdict {
  let v: Verdict = 'covered';
  for (const r of reasons) v = stronger(v, verdictOf(r));
  return v;
}

function notInCatalogue(ref: ItemRef, code: string | null): Reason {
  if (code === null) return reasonVariant('ITEM_NOT_IN_CATALOGUE', 'unmapped', { ...ref });
  return reasonVariant('ITEM_NOT_IN_CATALOGUE', 'unknown-code', 'code' in ref ? { code } : { code, ...ref });
}

export function noCash(): CashParts {
  return { classB: 0, aboveCap: 0, overLimit: 0, balance: 0 };
}

function unpaid(line: BasketLine, code: string | null, name: string | null, totalFen: number, verdict: Verdict, reasons: Reason[]): LineResult {
  return {
    lineId: line.lineId, code, name, verdict, totalFen, insuranceFen: 0, selfPayFen: totalFen,
    cash: noCash(), reasons, message: NO_MESSAGE,
  };
}
