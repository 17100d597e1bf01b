import { formatRatio, formatYuan } from '../money.js';
import type { CatalogueEntry } from './entry.js';

/** An entry as it leaves the service: money as yuan strings, ratios as decimals ("0.1000"). */
export function publicEntry(e: CatalogueEntry) {
  const { selfPayRatio, priceCapFen, listVersion, ...rest } = e;
  return {
    ...rest,
    selfPayRatio: selfPayRatio === null ? null : formatRatio(selfPayRatio),
    priceCap: priceCapFen === null ? null : formatYuan(priceCapFen),
    listVersion: listVersion ?? null,
  };
}
