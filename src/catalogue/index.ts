import type { Ratio } from '../money.js';
import type { CatalogueEntry, ItemRef } from './entry.js';

export interface CatalogueVersionInfo {
  id: number;
  format: string;
  source: string;
  label: string | null;
  rowCount: number;
  checksum: string;
  importedAt: string;
  /** catalogue | mapping */
  kind?: string;
  platformVer?: string | null;
  basedOn?: number | null;
  activatedAt?: string | null;
  active?: boolean;
  status?: string;
}

/** Class-B self-pay proportions by national code, then person type (1319 selfpay_prop_psn_type). */
export type PersonRatios = ReadonlyMap<string, ReadonlyMap<string, Ratio>>;

const NO_PERSON_RATIOS: PersonRatios = new Map();

export interface MappingInfo {
  localCode: string | null;
  barcode: string | null;
  code: string;
}

/**
 * The active catalogue version held in memory, so that the precheck does no I/O per item.
 * Replaced whole (never mutated) when another version is activated.
 */
export class CatalogueIndex {
  private readonly byCode: Map<string, CatalogueEntry>;
  private readonly byBarcode = new Map<string, string>();
  private readonly byLocalCode = new Map<string, string>();
  private haystack: { text: string; starts: Int32Array; entries: CatalogueEntry[] } | undefined;

  constructor(
    readonly version: CatalogueVersionInfo | null,
    entries: Iterable<CatalogueEntry> | Map<string, CatalogueEntry>,
    mappings: Iterable<MappingInfo> = [],
    /** The active item-mapping version, when there is one. */
    readonly mappingVersion: CatalogueVersionInfo | null = null,
    private readonly personRatios: PersonRatios = NO_PERSON_RATIOS,
  ) {
    if (entries instanceof Map) {
      this.byCode = entries;
    } else {
      this.byCode = new Map();
      for (const e of entries) this.byCode.set(e.code, e);
    }
    for (const m of mappings) {
      if (m.barcode) this.byBarcode.set(m.barcode, m.code);
      if (m.localCode) this.byLocalCode.set(m.localCode, m.code);
    }
  }

  get loaded(): boolean {
    return this.version !== null;
  }

  get size(): number {
    return this.byCode.size;
  }

  get mappedItems(): number {
    return Math.max(this.byBarcode.size, this.byLocalCode.size);
  }

  /** The national code a line refers to, or undefined when a local item is not mapped. */
  resolve(ref: ItemRef): string | undefined {
    if ('code' in ref) return ref.code;
    if ('barcode' in ref) return this.byBarcode.get(ref.barcode);
    return this.byLocalCode.get(ref.localCode);
  }

  get(code: string): CatalogueEntry | undefined {
    return this.byCode.get(code);
  }

  /** The class-B self-pay proportion for a person type: its own where the policy sets one, else the code's default. */
  selfPayRatio(entry: CatalogueEntry, personType: string | null | undefined): Ratio | null {
    if (personType) {
      const own = this.personRatios.get(entry.code)?.get(personType);
      if (own !== undefined) return own;
    }
    return entry.selfPayRatio;
  }

  /** The proportions the policy sets for particular person types of this code (none: undefined). */
  personRatiosOf(code: string): ReadonlyMap<string, Ratio> | undefined {
    return this.personRatios.get(code);
  }

  entries(): IterableIterator<CatalogueEntry> {
    return this.byCode.values();
  }

  /** The same entries with another item mapping (mapping imports and rollbacks). */
  withMappings(mappings: Iterable<MappingInfo>, mappingVersion: CatalogueVersionInfo | null): CatalogueIndex {
    return new CatalogueIndex(this.version, this.byCode, mappings, mappingVersion, this.personRatios);
  }

  /**
   * Case-insensitive substring search over product and generic names (Chinese included),
   * exact code first. One indexOf pass over a joined, lower-cased text of all names, built on
   * the first search: about a millisecond per query over the national catalogue.
   */
  search(query: string, limit: number): CatalogueEntry[] {
    const raw = query.trim();
    const q = raw.toLowerCase().replace(/\u0001/g, '');
    const out: CatalogueEntry[] = [];
    if (!q || limit <= 0) return out;
    const exact = this.byCode.get(raw.toUpperCase());
    if (exact) out.push(exact);
    const h = (this.haystack ??= this.buildHaystack());
    let last = -1;
    for (let at = h.text.indexOf(q); at >= 0 && out.length < limit; at = h.text.indexOf(q, at + 1)) {
      const i = entryAt(h.starts, at);
      if (i === last) continue;
      last = i;
      const e = h.entries[i]!;
      if (e !== exact) out.push(e);
    }
    return out;
  }

  private buildHaystack(): { text: string; starts: Int32Array; entries: CatalogueEntry[] } {
    const entries = [...this.byCode.values()];
    const starts = new Int32Array(entries.length);
    const parts: string[] = [];
    let at = 0;
    entries.forEach((e, i) => {
      starts[i] = at;
      const s = `${e.name}\u0001${e.genericName ?? ''}\u0001`.toLowerCase();
      parts.push(s);
      at += s.length;
    });
    return { text: parts.join(''), starts, entries };
  }
}

/** Index of the entry whose text span holds `at` (binary search over span starts). */
function entryAt(starts: Int32Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
