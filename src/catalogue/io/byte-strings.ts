/** Buffer's own decoder without toString's argument handling: a fresh flat string, never a slice of another. */
export type Utf8Bytes = Buffer & { utf8Slice(start: number, end: number): string };

/**
 * Decodes UTF-8 fields that repeat (names, forms, specs, manufacturers, dates, flags) once
 * each: the same bytes give back the same string, found by hashing and comparing the bytes
 * instead of decoding them again. A national file repeats most of its fields thousands of
 * times, so this saves most of the decoding, and every entry shares the one copy.
 *
 * The table stops growing at `limit` distinct values (a column that turns out to be unique
 * then decodes as usual), so memory stays bounded whatever the file holds.
 */
export class ByteStrings {
  private mask = 1023;
  /** Four ints per slot, so a probe reads one cache line: hash, start in the arena, length, index + 1 (0: empty). */
  private table = new Int32Array(4 * (this.mask + 1));
  private readonly strings: string[] = [];
  private arena = new Uint8Array(1 << 16);
  private arenaView = new DataView(this.arena.buffer);
  private used = 0;

  constructor(private readonly limit = 1 << 16) {}

  get size(): number {
    return this.strings.length;
  }

  /**
   * The string of bytes[s, e), which must be valid UTF-8; `view` is a DataView of the same
   * bytes (words are hashed and compared four bytes at a time).
   */
  get(bytes: Utf8Bytes, view: DataView, s: number, e: number): string {
    const length = e - s;
    if (length === 1 && bytes[s]! < 0x80) return ASCII[bytes[s]!]!;
    let h = 0x811c9dc5 ^ length;
    let p = s;
    for (; p + 4 <= e; p += 4) h = Math.imul(h ^ view.getInt32(p, true), 0x01000193);
    for (; p < e; p++) h = Math.imul(h ^ bytes[p]!, 0x01000193);
    const { table, arena, arenaView, mask } = this;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const t = i << 2;
      const k = table[t + 3]!;
      if (k === 0) break;
      if (table[t] !== h || table[t + 2] !== length) continue;
      let q = table[t + 1]!;
      p = s;
      for (; p + 4 <= e && arenaView.getInt32(q, true) === view.getInt32(p, true); p += 4) q += 4;
      for (; p < e && arena[q] === bytes[p]; p++) q++;
      if (p === e) return this.strings[k - 1]!;
    }
    const value = bytes.utf8Slice(s, e);
    if (this.strings.length < this.limit) this.add(h, bytes, s, e, value);
    return value;
  }

  private add(h: number, bytes: Buffer, s: number, e: number, value: string): void {
    const length = e - s;
    if (this.used + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
      this.arenaView = new DataView(arena.buffer);
    }
    this.arena.set(bytes.subarray(s, e), this.used);
    this.strings.push(value);
    this.place(h, this.used, length, this.strings.length);
    this.used += length;
    // Kept at most half full, so a probe ends at an empty slot within a few steps.
    if (this.strings.length * 2 > this.mask) this.rehash();
  }

  private place(h: number, start: number, length: number, k: number): void {
    let i = h & this.mask;
    while (this.table[(i << 2) + 3] !== 0) i = (i + 1) & this.mask;
    const t = i << 2;
    this.table[t] = h;
    this.table[t + 1] = start;
    this.table[t + 2] = length;
    this.table[t + 3] = k;
  }

  private rehash(): void {
    const old = this.table;
    this.mask = this.mask * 2 + 1;
    this.table = new Int32Array(4 * (this.mask + 1));
    for (let t = 0; t < old.length; t += 4) if (old[t + 3] !== 0) this.place(old[t]!, old[t + 1]!, old[t + 2]!, old[t + 3]!);
  }
}

/** One-character strings of ASCII bytes (flags, codes): no lookup at all. */
const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
