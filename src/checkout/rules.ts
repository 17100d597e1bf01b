import type { ItemRef } from '../catalogue/entry.js';
import type { CatalogueIndex } from '../catalogue/index.js';
import { formatYuan, type Fen } from '../money.js';
import { reason, type Reason, type Text } from '../reasons.js';
import { evaluateLine, noCash } from './rules-line.js';
import { SupplyLimits } from './rules-limits.js';
import { blockedLineMessage, lineMessage } from './rules-message.js';
import type { RulesPolicy } from './rules-policy.js';
import type { Verdict } from './rules-verdict.js';

export type { Verdict } from './rules-verdict.js';

/** Largest line total the engine accepts, so that every product and share stays an exact integer. */
export const MAX_LINE_FEN: Fen = 100_000_000_000;

export interface BasketLine {
  lineId: string;
  ref: ItemRef;
  /** Whole units, at least 1. */
  quantity: number;
  unitPriceFen: Fen;
  /** What the cashier recorded from the prescription: its number, and the diagnosis a restricted scope needs. */
  prescription?: { rxNo?: string; diagnosis?: string };
}

/** Why part of a covered line is paid in cash; all zero on self-pay and rejected lines. */
export interface CashParts {
  /** Class-B share the patient pays first. */
  classB: Fen;
  /** Price above the cap, on the units insurance pays for. */
  aboveCap: Fen;
  /** Units above a supply limit, at the full price. */
  overLimit: Fen;
  /** Insurance share the personal account could not pay. */
  balance: Fen;
}

export interface LineResult {
  lineId: string;
  /** The national code the line resolved to, when it did. */
  code: string | null;
  name: string | null;
  verdict: Verdict;
  totalFen: Fen;
  insuranceFen: Fen;
  selfPayFen: Fen;
  cash: CashParts;
  reasons: Reason[];
  /** What the cashier does with this line, with the amounts. */
  message: Text;
}

export type Decision = 'allow' | 'partial' | 'block';

export interface BasketResult {
  decision: Decision;
  lines: LineResult[];
  totals: { totalFen: Fen; insuranceFen: Fen; selfPayFen: Fen };
  /** Basket-level reasons: the gate (system, card, account) when blocked, and account warnings. */
  reasons: Reason[];
}

export interface RulesContext {
  index: CatalogueIndex;
  policy: RulesPolicy;
  /** YYYY-MM-DD, the day listings must be in effect. */
  today: string;
  /** Error-severity system, card and account reasons (see basketGate): any of them blocks insurance payment. */
  gate: readonly Reason[];
  /** Personal account balance, the most the account pays for this basket; undefined: no account cap. */
  balanceFen: Fen | undefined;
  /** The customer's person type (1101 psn_type): the class-B share may differ by it; absent: the code's default. */
  personType?: string | null;
}

/**
 * The rules engine: pure and synchronous over the in-memory catalogue. Every line gets a verdict,
 * every reason that applies and exact amounts with insurance + self-pay = line total.
 */
export function evaluateBasket(lines: readonly BasketLine[], ctx: RulesContext): BasketResult {
  for (const line of lines) checkLine(line);
  if (ctx.gate.some((r) => r.severity === 'error')) return blockedBasket(lines, ctx);

  const limits = new SupplyLimits(ctx.policy);
  const results = lines.map((line) => evaluateLine(line, ctx, limits));
  const reasons: Reason[] = [];
  if (ctx.balanceFen !== undefined) {
    const shortFen = payFromAccount(results, ctx.balanceFen);
    if (shortFen > 0) reasons.push(reason('ACCOUNT_BALANCE_LOW', { balance: formatYuan(ctx.balanceFen), short: formatYuan(shortFen) }));
  }
  // Written last: the account balance may have moved cash into a line.
  for (const r of results) r.message = lineMessage(r);
  const decision: Decision = results.every((r) => r.verdict === 'covered') ? 'allow' : 'partial';
  return { decision, lines: results, totals: totalsOf(results), reasons };
}

/** The account pays covered lines in basket order until the balance runs out; the rest is cash. */
function payFromAccount(results: LineResult[], balanceFen: Fen): Fen {
  let left = balanceFen;
  let short = 0;
  for (const r of results) {
    if (r.insuranceFen <= left) {
      left -= r.insuranceFen;
      continue;
    }
    const lineShort = r.insuranceFen - left;
    short += lineShort;
    r.insuranceFen = left;
    r.selfPayFen += lineShort;
    r.cash.balance = lineShort;
    r.reasons.push(reason('ACCOUNT_BALANCE_LOW', { short: formatYuan(lineShort) }));
    left = 0;
  }
  return short;
}

/**
 * A card, account or system problem: insurance pays nothing in this purchase. Lines carry no
 * coverage reasons (a platform or catalogue fault must never read as "not covered").
 */
function blockedBasket(lines: readonly BasketLine[], ctx: RulesContext): BasketResult {
  const first = ctx.gate.find((r) => r.severity === 'error')!;
  const results = lines.map((line): LineResult => {
    const totalFen = line.unitPriceFen * line.quantity;
    const code = ctx.index.resolve(line.ref) ?? null;
    const name = code === null ? null : ctx.index.get(code)?.name ?? null;
    return {
      lineId: line.lineId, code, name, verdict: 'self-pay', totalFen, insuranceFen: 0, selfPayFen: totalFen,
      cash: noCash(), reasons: [], message: blockedLineMessage(totalFen, first),
    };
  });
  return { decision: 'block', lines: results, totals: totalsOf(results), reasons: [...ctx.gate] };
}

function totalsOf(results: readonly LineResult[]): BasketResult['totals'] {
  const totals = { totalFen: 0, insuranceFen: 0, selfPayFen: 0 };
  for (const r of results) {
    totals.totalFen += r.totalFen;
    totals.insuranceFen += r.insuranceFen;
    totals.selfPayFen += r.selfPayFen;
  }
  return totals;
}

/** The HTTP edge validates baskets; this guards the engine's arithmetic against any other caller. */
function checkLine(line: BasketLine): void {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new RangeError(`line ${line.lineId}: quantity must be a whole number of at least 1`);
  if (!Number.isSafeInteger(line.unitPriceFen) || line.unitPriceFen < 0) throw new RangeError(`line ${line.lineId}: unit price must be whole fen, not negative`);
  if (line.unitPriceFen * line.quantity > MAX_LINE_FEN) throw new RangeError(`line ${line.lineId}: line total above ${formatYuan(MAX_LINE_FEN)}`);
}
