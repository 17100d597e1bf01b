import type { CatalogueEntry } from './entry.js';

/**
 * Catalogue entries as the staging writer's thread receives them. Cloning entry objects (or
 * arrays of their values) between threads costs about as much as the inserts they carry, so
 * a batch is one Float64Array (transferred, not copied) with a slot per row and column, the
 * strings that differ on every row (codes, approval numbers, standard codes) in one array,
 * and the strings that repeat (names, forms, manufacturers, dates, classes) sent once per
 * import as a dictionary that both sides grow in the same order.
 */
export interface PackedRows {
  count: number;
  /** COLUMNS.length slots per row: a number, or NaN for null; for a text column an index into `texts` (>= 0) or -1 - a dictionary id. */
  slots: Float64Array;
  texts: string[];
  /** Dictionary strings first used in this batch, in id order. */
  words: string[];
}

type Kind = 'unique' | 'shared' | 'number';

/** The catalogue_entries columns after version_id, in INSERT order, with how each travels (RowPacker.add writes them in this order). */
const COLUMNS: readonly (readonly [string, Kind])[] = [
  ['code', 'unique'], ['name', 'shared'], ['generic_name', 'shared'], ['dosage_form', 'shared'], ['spec', 'shared'], ['manufacturer', 'shared'],
  ['approval_no', 'unique'], ['standard_code', 'unique'], ['insurance_class', 'shared'], ['self_pay_ratio', 'number'], ['price_cap_fen', 'number'],
  ['over_cap_handling', 'shared'], ['restricted', 'number'], ['restricted_scope', 'shared'], ['prescription_only', 'number'], ['begin_date', 'shared'],
  ['end_date', 'shared'], ['valid', 'number'], ['market_status', 'shared'], ['list_version', 'shared'],
];

const WIDTH = COLUMNS.length;
const KINDS = COLUMNS.map(([, kind]) => kind);

export const INSERT_ENTRY = `INSERT INTO catalogue_entries (version_id, ${COLUMNS.map(([name]) => name).join(', ')}) VALUES (?${', ?'.repeat(WIDTH)})`;

/** Builds PackedRows on the reading side. */
export class RowPacker {
  private readonly ids = new Map<string, number>();
  private slots: Float64Array;
  private texts: string[] = [];
  private words: string[] = [];
  private rows = 0;

  constructor(private readonly capacity: number) {
    this.slots = new Float64Array(capacity * WIDTH);
  }

  get count(): number {
    return this.rows;
  }

  get full(): boolean {
    return this.rows === this.capacity;
  }

  add(e: CatalogueEntry): void {
    const s = this.slots;
    const k = this.rows * WIDTH;
    // Written out column by column: this runs for every row of a national file.
    s[k] = this.unique(e.code);
    s[k + 1] = this.shared(e.name);
    s[k + 2] = this.shared(e.genericName);
    s[k + 3] = this.shared(e.dosageForm);
    s[k + 4] = this.shared(e.spec);
    s[k + 5] = this.shared(e.manufacturer);
    s[k + 6] = this.unique(e.approvalNo);
    s[k + 7] = this.unique(e.standardCode);
    s[k + 8] = this.shared(e.insuranceClass);
    s[k + 9] = e.selfPayRatio ?? NaN;
    s[k + 10] = e.priceCapFen ?? NaN;
    s[k + 11] = this.shared(e.overCapHandling);
    s[k + 12] = e.restricted ? 1 : 0;
    s[k + 13] = this.shared(e.restrictedScope);
    s[k + 14] = e.prescriptionOnly ? 1 : 0;
    s[k + 15] = this.shared(e.beginDate);
    s[k + 16] = this.shared(e.endDate);
    s[k + 17] = e.valid ? 1 : 0;
    s[k + 18] = this.shared(e.marketStatus);
    s[k + 19] = this.shared(e.listVersion ?? null);
    this.rows++;
  }

  /** The rows added since the last take, or null when there are none. */
  take(): PackedRows | null {
    if (this.rows === 0) return null;
    const out: PackedRows = { count: this.rows, slots: this.rows === this.capacity ? this.slots : this.slots.slice(0, this.rows * WIDTH), texts: this.texts, words: this.words };
    this.slots = new Float64Array(this.capacity * WIDTH);
    this.texts = [];
    this.words = [];
    this.rows = 0;
    return out;
  }

  private unique(v: string | null): number {
    return v === null ? NaN : this.texts.push(v) - 1;
  }

  private shared(v: string | null): number {
    if (v === null) return NaN;
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(v, id);
      this.words.push(v);
    }
    return -1 - id;
  }
}

/** Reads PackedRows on the writing side, in the order they were packed. */
export class RowUnpacker {
  private readonly dictionary: string[] = [];

  /** The dictionary so far: what a second unpacker needs to take over from this one. */
  get words(): readonly string[] {
    return this.dictionary;
  }
  private readonly params: unknown[] = new Array<unknown>(WIDTH + 1);

  constructor(private readonly versionId: number) {}

  /** Calls `row` with each row's INSERT parameters (one array, reused from row to row). */
  each(batch: PackedRows, row: (params: unknown[]) => void): void {
    for (const w of batch.words) this.dictionary.push(w);
    const { slots, texts } = batch;
    const p = this.params;
    p[0] = this.versionId;
    let k = 0;
    for (let r = 0; r < batch.count; r++) {
      for (let c = 0; c < WIDTH; c++, k++) {
        const v = slots[k]!;
        const kind = KINDS[c];
        p[c + 1] = Number.isNaN(v) ? null : kind === 'number' ? v : kind === 'unique' ? texts[v] : this.dictionary[-1 - v];
      }
      row(p);
    }
  }
}
