import type { CatalogueEntry } from '../../src/catalogue/entry.js';
import { CatalogueIndex, type PersonRatios } from '../../src/catalogue/index.js';
import type { RulesContext } from '../../src/checkout/rules.js';
import { rulesPolicy, type RulesPolicy } from '../../src/checkout/rules-policy.js';
import type { Reason } from '../../src/reasons.js';
import type { RulesConfig } from '../../src/rules-config.js';

export const TODAY = '2026-03-15';

/** A class-A, OTC, listed entry in effect today, with no cap and no restriction; override what a case needs. */
export function entry(code: string, over: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return {
    code, name: `药品${code.slice(-4)}`, genericName: null, dosageForm: null, spec: null, manufacturer: null, approvalNo: null, standardCode: null,
    insuranceClass: 'A', selfPayRatio: null, priceCapFen: null, overCapHandling: null,
    restricted: false, restrictedScope: null, prescriptionOnly: false,
    beginDate: '2020-01-01', endDate: null, valid: true, marketStatus: 'listed',
    ...over,
  };
}

export const RULES: RulesConfig = {
  region: '330300',
  initialPin: { rules: ['card-number-last-6'] },
  quantityLimits: { maxPerLine: 10, maxPerCodePerPurchase: 20, perCode: {}, maxLinesPerPurchase: 50, overLimit: 'self-pay-excess' },
  overCap: { default: 'self-pay-excess' },
  classB: { defaultSelfPayRatio: '0.10' },
  restrictedScopes: { hospitalOnly: ['限住院', '限医疗机构'] },
};

export function policy(over: { quantityLimits?: Partial<RulesConfig['quantityLimits']>; overCap?: RulesConfig['overCap']; classB?: RulesConfig['classB'] } = {}): RulesPolicy {
  return rulesPolicy({
    ...RULES,
    quantityLimits: { ...RULES.quantityLimits, ...over.quantityLimits },
    overCap: over.overCap ?? RULES.overCap,
    classB: over.classB ?? RULES.classB,
  });
}

export const VERSION = { id: 1, format: 'test', source: 'test', label: null, rowCount: 0, checksum: '', importedAt: '2026-01-01T00:00:00Z' };

/** `personRatios`: class-B proportions by code, then person type, as a payment policy with person-type rows gives them. */
export function catalogue(entries: CatalogueEntry[], mappings: { localCode: string | null; barcode: string | null; code: string }[] = [], personRatios: Record<string, Record<string, number>> = {}): CatalogueIndex {
  const ratios: PersonRatios = new Map(Object.entries(personRatios).map(([code, byType]) => [code, new Map(Object.entries(byType))]));
  return new CatalogueIndex(VERSION, entries, mappings, null, ratios);
}

export function context(index: CatalogueIndex, over: Partial<RulesContext> = {}): RulesContext {
  return { index, policy: policy(), today: TODAY, gate: [], balanceFen: undefined, ...over };
}

/** "CODE" or "CODE/variant", as the verdict table and docs/rules.md name a case. */
export function caseOf(r: Reason): string {
  const v = r.detail?.['variant'];
  return typeof v === 'string' ? `${r.code}/${v}` : r.code;
}
