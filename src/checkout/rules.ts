import type { CatalogueEntry, ItemRef } from '../catalogue/entry.js';
import type { CatalogueIndex } from '../catalogue/index.js';
import { applyRatio, type Fen } from '../money.js';
import { reason, type Reason } from '../reasons.js';

export interface BasketLine {
  lineId: string;
  ref: ItemRef;
  quantity: number;
  unitPriceFen: Fen;
  prescription?: { rxNo?: string; diagnosis?: string };
}

export type Verdict = 'covered' | 'self-pay' | 'rejected';

export interface LineResult {
  lineId: string;
  /** The national code the line resolved to, when it did. */
  code: string | null;
  name: string | null;
  verdict: Verdict;
  totalFen: Fen;
  insuranceFen: Fen;
  selfPayFen: Fen;
  reasons: Reason[];
}

export type Decision = 'allow' | 'partial' | 'block';

export interface BasketResult {
  decision: Decision;
  lines: LineResult[];
  totals: { totalFen: Fen; insuranceFen: Fen; selfPayFen: Fen };
  /** Basket-level reasons: the gate (card, account, system) and account warnings. */
  reasons: Reason[];
}

export interface RulesContext {
  index: CatalogueIndex;
  /** YYYY-MM-DD, the day listings must be in effect. */
  today: string;
  /** Error-severity card, account or system reasons: any of them blocks insurance payment. */
  gate: Reason[];
  /** Personal account balance; undefined when unknown (blocked basket). */
  balanceFen: Fen | undefined;
}

/**
 * The rules engine: pure and synchronous over the in-memory catalogue. Every line gets a
 * verdict and exact amounts with insurance + self-pay = line total.
 */
export function evaluateBasket(lines: BasketLine[], ctx: RulesContext): BasketResult {
  const blocked = ctx.gate.some((r) => r.severity === 'error');
  const results = lines.map((line) => evaluateLine(line, ctx, blocked));
  const basketReasons = [...ctx.gate];

  if (!blocked && ctx.balanceFen !== undefined) {
    let remaining = ctx.balanceFen;
    let short = false;
    for (const r of results) {
      if (r.insuranceFen > remaining) {
        short = true;
        r.selfPayFen += r.insuranceFen - remaining;
        r.insuranceFen = remaining;
      }
      remaining -= r.insuranceFen;
    }
    if (short) basketReasons.push(reason('ACCOUNT_BALANCE_LOW', { balance: ctx.balanceFen }));
  }

  const totals = { totalFen: 0, insuranceFen: 0, selfPayFen: 0 };
  for (const r of results) {
    totals.totalFen += r.totalFen;
    totals.insuranceFen += r.insuranceFen;
    totals.selfPayFen += r.selfPayFen;
  }
  const decision: Decision = blocked ? 'block' : results.every((r) => r.verdict === 'covered') ? 'allow' : 'partial';
  return { decision, lines: results, totals, reasons: basketReasons };
}

function evaluateLine(line: BasketLine, ctx: RulesContext, blocked: boolean): LineResult {
  const totalFen = line.unitPriceFen * line.quantity;
  const code = ctx.index.resolve(line.ref) ?? null;
  const entry = code ? ctx.index.get(code) : undefined;
  const base = { lineId: line.lineId, code, name: entry?.name ?? null, totalFen };
  if (!entry) {
    return { ...base, verdict: 'self-pay', insuranceFen: 0, selfPayFen: totalFen, reasons: [reason('ITEM_NOT_IN_CATALOGUE', 'code' in line.ref ? { code: line.ref.code } : { ref: line.ref })] };
  }
  const reasons = coverageReasons(entry, line, ctx.today);
  const refusing = reasons.filter((r) => r.severity === 'error');
  if (refusing.length > 0) {
    const verdict: Verdict = refusing.some((r) => REJECTING.has(r.code)) ? 'rejected' : 'self-pay';
    return { ...base, verdict, insuranceFen: 0, selfPayFen: totalFen, reasons };
  }
  // Within scope: cap the reimbursable price, then the class-B share comes first from the patient.
  const capped = entry.priceCapFen !== null && line.unitPriceFen > entry.priceCapFen;
  const eligibleFen = capped ? entry.priceCapFen! * line.quantity : totalFen;
  const classShare = entry.insuranceClass === 'B' && entry.selfPayRatio !== null ? applyRatio(eligibleFen, entry.selfPayRatio) : 0;
  const insuranceFen = blocked ? 0 : eligibleFen - classShare;
  return { ...base, verdict: blocked ? 'self-pay' : 'covered', insuranceFen, selfPayFen: totalFen - insuranceFen, reasons };
}

/** Reasons that refuse the line outright rather than leaving it to the customer's pocket. */
const REJECTING = new Set<Reason['code']>(['ITEM_DISCONTINUED', 'ITEM_PRICE_ABOVE_CAP']);

function coverageReasons(e: CatalogueEntry, line: BasketLine, today: string): Reason[] {
  const out: Reason[] = [];
  if (e.marketStatus === 'discontinued') out.push(reason('ITEM_DISCONTINUED', { code: e.code }));
  if (!e.valid || (e.beginDate !== null && today < e.beginDate) || (e.endDate !== null && today > e.endDate)) {
    out.push(reason('ITEM_LISTING_NOT_EFFECTIVE', { code: e.code, beginDate: e.beginDate, endDate: e.endDate, valid: e.valid }));
  }
  if (e.insuranceClass === null || e.insuranceClass === 'C') out.push(reason('ITEM_NOT_COVERED', { code: e.code, class: e.insuranceClass }));
  if (e.prescriptionOnly && !line.prescription?.rxNo) out.push(reason('ITEM_PRESCRIPTION_REQUIRED', { code: e.code }));
  if (e.restricted && !line.prescription?.diagnosis) out.push(reason('ITEM_RESTRICTED_USE', { code: e.code, scope: e.restrictedScope }));
  if (e.priceCapFen !== null && line.unitPriceFen > e.priceCapFen) {
    const refuse = e.overCapHandling === 'refuse';
    out.push(reason('ITEM_PRICE_ABOVE_CAP', { code: e.code, capFen: e.priceCapFen, handling: refuse ? 'refuse' : 'self-pay-excess' }, refuse ? 'error' : 'warning'));
  }
  return out;
}
