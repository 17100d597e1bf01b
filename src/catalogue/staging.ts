import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { CatalogueEntry } from './entry.js';

const CHUNK = 5000;

const INSERT = `INSERT INTO catalogue_entries (version_id, code, name, generic_name, dosage_form, spec, manufacturer, approval_no, standard_code,
  insurance_class, self_pay_ratio, price_cap_fen, over_cap_handling, restricted, restricted_scope, prescription_only, begin_date, end_date,
  valid, market_status, list_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** What is known of a version once its rows are written. */
export interface VersionFields {
  rowCount: number;
  entryCount: number;
  label: string | null;
  platformVer: string | null;
  checksum: string;
}

export interface NewVersion {
  kind: 'catalogue' | 'mapping';
  format: string;
  source: string;
  checksum: string;
  basedOn: number | null;
}

/**
 * A catalogue version being written. Its row in catalogue_versions says `staging` until
 * commit, and nothing reads staging rows, so a file that fails half-way changes nothing
 * anyone sees; abort (or the next start, after a crash) removes what was written.
 *
 * Rows go in short transactions of a few thousand so that the counter's own writes (the
 * audit trail shares this connection) interleave with a national-size import instead of
 * waiting seconds behind it. Those chunks commit without fsync or checkpoint (set and
 * restored around each chunk, while no other statement can run): a crash may lose staging
 * rows, which are discarded anyway, and the activating commit is fully synced.
 */
export class StagedVersion {
  private readonly insert: Database.Statement;
  private readonly insertChunk: (rows: CatalogueEntry[]) => void;
  private pending: CatalogueEntry[] = [];
  private written = 0;

  private constructor(private readonly sqlite: Database.Database, readonly id: number) {
    this.insert = sqlite.prepare(INSERT);
    this.insertChunk = sqlite.transaction((rows: CatalogueEntry[]) => {
      for (const e of rows) {
        this.insert.run(id, e.code, e.name, e.genericName, e.dosageForm, e.spec, e.manufacturer, e.approvalNo, e.standardCode,
          e.insuranceClass, e.selfPayRatio, e.priceCapFen, e.overCapHandling, e.restricted ? 1 : 0, e.restrictedScope, e.prescriptionOnly ? 1 : 0,
          e.beginDate, e.endDate, e.valid ? 1 : 0, e.marketStatus, e.listVersion ?? null);
      }
    });
  }

  static begin(sqlite: Database.Database, v: NewVersion): StagedVersion {
    const { lastInsertRowid } = sqlite.prepare(`INSERT INTO catalogue_versions (kind, format, source, row_count, checksum, imported_at, based_on, status, active)
      VALUES (?, ?, ?, 0, ?, ?, ?, 'staging', 0)`).run(v.kind, v.format, v.source, v.checksum, new Date().toISOString(), v.basedOn);
    return new StagedVersion(sqlite, Number(lastInsertRowid));
  }

  get count(): number {
    return this.written + this.pending.length;
  }

  /** Buffers one entry; true when that filled a chunk and wrote it (a good moment to yield). */
  add(e: CatalogueEntry): boolean {
    this.pending.push(e);
    if (this.pending.length < CHUNK) return false;
    this.flush();
    return true;
  }

  /** Writes entries from memory, yielding to the event loop between chunks. */
  async addAll(entries: Iterable<CatalogueEntry>): Promise<void> {
    for (const e of entries) if (this.add(e)) await nextTurn();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    bulkChunk(this.sqlite, () => this.insertChunk(this.pending));
    this.written += this.pending.length;
    this.pending = [];
  }

  /** Marks the version ready and makes it the active one of its kind, in one durable transaction. */
  commit(fields: VersionFields): void {
    this.flush();
    activate(this.sqlite, this.id, fields);
  }

  /** Removes what was written; the version never existed for anyone else. */
  async abort(): Promise<void> {
    this.pending = [];
    await deleteVersionRows(this.sqlite, this.id);
    this.sqlite.prepare('DELETE FROM catalogue_versions WHERE id = ?').run(this.id);
  }
}

/** Makes `id` the active version of its kind (and ready, with the given counts when provided). */
export function activate(sqlite: Database.Database, id: number, fields?: VersionFields): void {
  sqlite.transaction(() => {
    const { kind } = sqlite.prepare('SELECT kind FROM catalogue_versions WHERE id = ?').get(id) as { kind: string };
    if (fields) {
      sqlite.prepare(`UPDATE catalogue_versions SET status = 'ready', row_count = ?, entry_count = ?, label = ?, platform_ver = ?, checksum = ? WHERE id = ?`)
        .run(fields.rowCount, fields.entryCount, fields.label, fields.platformVer, fields.checksum, id);
    }
    sqlite.prepare('UPDATE catalogue_versions SET active = 0 WHERE kind = ? AND active = 1').run(kind);
    sqlite.prepare('UPDATE catalogue_versions SET active = 1, activated_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  })();
}

/** Deletes a version's entries and mappings a chunk at a time, so the service keeps answering meanwhile. */
export async function deleteVersionRows(sqlite: Database.Database, id: number): Promise<void> {
  const entries = sqlite.prepare(`DELETE FROM catalogue_entries WHERE rowid IN (SELECT rowid FROM catalogue_entries WHERE version_id = ? LIMIT ${CHUNK})`);
  while (bulkChunk(sqlite, () => entries.run(id).changes) > 0) await nextTurn();
  sqlite.prepare('DELETE FROM item_mappings WHERE version_id = ?').run(id);
}

/**
 * Runs one bulk chunk with synchronous=NORMAL and no automatic checkpoint, restoring both
 * afterwards. Checkpointing after every chunk would copy the growing WAL into the database
 * over and over; instead the activating commit, back under the connection's settings,
 * checkpoints once.
 */
function bulkChunk<T>(sqlite: Database.Database, fn: () => T): T {
  const sync = sqlite.pragma('synchronous', { simple: true }) as number;
  const checkpoint = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  try {
    return fn();
  } finally {
    sqlite.pragma(`wal_autocheckpoint = ${checkpoint}`);
    sqlite.pragma(`synchronous = ${sync}`);
  }
}
