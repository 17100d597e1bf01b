import type { RulesPolicy } from './rules-policy.js';

export type LimitScope = 'per-line' | 'per-code-per-purchase' | 'lines-per-purchase';

export interface Allowance {
  /** Units of the line insurance may pay for. */
  units: number;
  /** The limit that cut the line, when one did. */
  cut: { scope: LimitScope; limit: number } | null;
}

/**
 * The purchase's supply limits, consumed in basket order by every line insurance could pay
 * once its entry is fixed (covered and rejected lines): splitting a line in two, or listing a
 * code twice, never buys more than the limit.
 */
export class SupplyLimits {
  private readonly usedByCode = new Map<string, number>();
  private insuredLines = 0;

  constructor(private readonly policy: RulesPolicy) {}

  take(code: string, quantity: number): Allowance {
    const p = this.policy;
    if (this.insuredLines >= p.maxLinesPerPurchase) return { units: 0, cut: { scope: 'lines-per-purchase', limit: p.maxLinesPerPurchase } };
    const override = p.perCode.get(code);
    const lineLimit = override ?? p.maxPerLine;
    const codeLimit = override ?? p.maxPerCodePerPurchase;
    const used = this.usedByCode.get(code) ?? 0;
    let units = quantity;
    let cut: Allowance['cut'] = null;
    if (units > lineLimit) {
      units = lineLimit;
      cut = { scope: 'per-line', limit: lineLimit };
    }
    if (units > codeLimit - used) {
      units = codeLimit - used;
      cut = { scope: 'per-code-per-purchase', limit: codeLimit };
    }
    if (units > 0) {
      this.usedByCode.set(code, used + units);
      this.insuredLines++;
    }
    return { units, cut };
  }
}
