import type { OverCapHandling } from '../catalogue/entry.js';
import { parseRatio, type Ratio } from '../money.js';
import type { RulesConfig } from '../rules-config.js';

/** What happens to units above a supply limit: paid by the customer, or the whole line refused. */
export type OverLimitHandling = 'self-pay-excess' | 'refuse';

/** The regional rules in the form the engine reads per line (parsed once, never per basket). */
export interface RulesPolicy {
  maxPerLine: number;
  maxPerCodePerPurchase: number;
  /** Per-code units per purchase, replacing both maxPerLine and maxPerCodePerPurchase for that code. */
  perCode: ReadonlyMap<string, number>;
  maxLinesPerPurchase: number;
  overLimit: OverLimitHandling;
  overCapDefault: OverCapHandling;
  classBDefaultRatio: Ratio;
  hospitalOnlyScopes: readonly string[];
}

export function rulesPolicy(config: RulesConfig): RulesPolicy {
  const ratio = parseRatio(config.classB.defaultSelfPayRatio);
  if (ratio === undefined) throw new RangeError(`classB.defaultSelfPayRatio is not a proportion: ${config.classB.defaultSelfPayRatio}`);
  const q = config.quantityLimits;
  return {
    maxPerLine: q.maxPerLine,
    maxPerCodePerPurchase: q.maxPerCodePerPurchase,
    perCode: new Map(Object.entries(q.perCode)),
    maxLinesPerPurchase: q.maxLinesPerPurchase,
    overLimit: q.overLimit,
    overCapDefault: config.overCap.default,
    classBDefaultRatio: ratio,
    hospitalOnlyScopes: [...config.restrictedScopes.hospitalOnly],
  };
}
