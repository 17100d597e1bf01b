import { formatRatio, formatYuan, type Ratio } from '../money.js';
import type { CatalogueEntry } from './entry.js';

/**
 * An entry as it leaves the service: money as yuan strings, ratios as decimals ("0.1000"), with
 * the class-B proportions the policy sets for particular person types (1101 psn_type).
 */
export function publicEntry(e: CatalogueEntry, byPersonType: ReadonlyMap<string, Ratio> | undefined) {
  const { selfPayRatio, priceCapFen, listVersion, ...rest } = e;
  return {
    ...rest,
    selfPayRatio: selfPayRatio === null ? null : formatRatio(selfPayRatio),
    selfPayRatioByPersonType: Object.fromEntries([...(byPersonType ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, ratio]) => [type, formatRatio(ratio)])),
    priceCap: priceCapFen === null ? null : formatYuan(priceCapFen),
    listVersion: listVersion ?? null,
  };
}
