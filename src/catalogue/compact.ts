import type { CatalogueEntry } from './entry.js';

/**
 * Keeps imported strings small in memory. A field cut from a decoded line is a slice that
 * keeps the whole decoded file region alive, so unique values are copied out, and the many
 * repeated ones (manufacturers, dosage forms, dates, scopes) are shared through a table.
 */
export class StringTable {
  private readonly table = new Map<string, string>();

  /** One shared copy of a repeated value. */
  intern(s: string): string;
  intern(s: string | null): string | null;
  intern(s: string | null): string | null {
    if (s === null) return null;
    let v = this.table.get(s);
    if (v === undefined) {
      v = detach(s);
      this.table.set(v, v);
    }
    return v;
  }

  /** The entry with every string either shared or copied out of its source. */
  entry(e: CatalogueEntry): CatalogueEntry {
    return {
      code: detach(e.code),
      name: this.intern(e.name),
      genericName: this.intern(e.genericName),
      dosageForm: this.intern(e.dosageForm),
      spec: this.intern(e.spec),
      manufacturer: this.intern(e.manufacturer),
      approvalNo: e.approvalNo === null ? null : detach(e.approvalNo),
      standardCode: e.standardCode === null ? null : detach(e.standardCode),
      insuranceClass: e.insuranceClass,
      selfPayRatio: e.selfPayRatio,
      priceCapFen: e.priceCapFen,
      overCapHandling: e.overCapHandling,
      restricted: e.restricted,
      restrictedScope: this.intern(e.restrictedScope),
      prescriptionOnly: e.prescriptionOnly,
      beginDate: this.intern(e.beginDate),
      endDate: this.intern(e.endDate),
      valid: e.valid,
      marketStatus: e.marketStatus,
      listVersion: this.intern(e.listVersion ?? null),
    };
  }
}

/** A flat copy: V8 makes substrings of 13+ characters slices of their parent string. */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
