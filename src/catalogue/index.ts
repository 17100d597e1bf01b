import type { CatalogueEntry, ItemRef } from './entry.js';

export interface CatalogueVersionInfo {
  id: number;
  format: string;
  source: string;
  label: string | null;
  rowCount: number;
  checksum: string;
  importedAt: string;
}

/**
 * The active catalogue version held in memory, so that the precheck does no I/O per item.
 * Replaced whole (never mutated) when another version is activated.
 */
export class CatalogueIndex {
  private readonly byCode: Map<string, CatalogueEntry>;
  private readonly byBarcode: Map<string, string>;
  private readonly byLocalCode: Map<string, string>;

  constructor(
    readonly version: CatalogueVersionInfo | null,
    entries: Iterable<CatalogueEntry>,
    mappings: Iterable<{ localCode: string | null; barcode: string | null; code: string }> = [],
  ) {
    this.byCode = new Map();
    for (const e of entries) this.byCode.set(e.code, e);
    this.byBarcode = new Map();
    this.byLocalCode = new Map();
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

  /** The national code a line refers to, or undefined when a local item is not mapped. */
  resolve(ref: ItemRef): string | undefined {
    if ('code' in ref) return ref.code;
    if ('barcode' in ref) return this.byBarcode.get(ref.barcode);
    return this.byLocalCode.get(ref.localCode);
  }

  get(code: string): CatalogueEntry | undefined {
    return this.byCode.get(code);
  }

  /** Case-insensitive substring search over product and generic names (Chinese included). */
  search(query: string, limit: number): CatalogueEntry[] {
    const q = query.trim().toLowerCase();
    const out: CatalogueEntry[] = [];
    if (!q) return out;
    for (const e of this.byCode.values()) {
      if (e.name.toLowerCase().includes(q) || e.genericName?.toLowerCase().includes(q) || e.code === query.trim()) {
        out.push(e);
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}
