import type { StringSink } from './formats/nhsa-1301.js';

/**
 * Keeps imported strings small in memory. A field cut from a decoded line is a slice that
 * keeps the whole decoded file region alive, so unique long values are copied out, and
 * repeated long ones (manufacturers, restriction scopes) are shared through a table.
 */
export class StringTable implements StringSink {
  private readonly table = new Map<string, string>();

  /** One shared copy of a repeated value. */
  intern(s: string): string;
  intern(s: string | null): string | null;
  intern(s: string | null): string | null {
    // Short strings are never slices (V8 copies them) and cost little each: sharing them is not
    // worth a lookup per field per row on the import's hot path.
    if (s === null || s.length < 13) return s;
    let v = this.table.get(s);
    if (v === undefined) {
      v = detach(s);
      this.table.set(v, v);
    }
    return v;
  }

  detach(s: string): string {
    return detach(s);
  }
}

/** A flat copy: V8 makes substrings of 13+ characters slices of their parent string. */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
