import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { Ratio } from '../money.js';
import type { CatalogueEntry } from './entry.js';
import type { PersonRatios } from './index.js';
import { RowPacker } from './row-pack.js';
import { bulkChunk, handOver, inThread, type RowWriter, type ThreadWriter, type WriterOptions, type WrittenBy } from './staging-writer.js';

/** Rows per packed batch. */
const BATCH = 5000;


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
 * Entries are packed in batches. The first is written on this thread; from the second on (or
 * from the start, when `expectMany` says a large file is coming) a worker thread with its own
 * connection inserts them (staging-writer.ts), so a national-size file is parsed here while
 * the batches before are inserted there, and the service's event loop does not wait on the
 * inserts. Staged rows commit without fsync: a crash may lose them, and they are discarded
 * anyway; the activating commit is fully synced.
 */
export class StagedVersion {
  private readonly packer = new RowPacker(BATCH);
  private thread: ThreadWriter | null = null;
  private writer: RowWriter | null = null;
  private handedOver = false;
  private written = 0;

  private constructor(private readonly sqlite: Database.Database, readonly id: number, private readonly options: WriterOptions) {}

  static begin(sqlite: Database.Database, v: NewVersion, options: WriterOptions = {}): StagedVersion {
    const { lastInsertRowid } = sqlite.prepare(`INSERT INTO catalogue_versions (kind, format, source, row_count, checksum, imported_at, based_on, status, active)
      VALUES (?, ?, ?, 0, ?, ?, ?, 'staging', 0)`).run(v.kind, v.format, v.source, v.checksum, new Date().toISOString(), v.basedOn);
    return new StagedVersion(sqlite, Number(lastInsertRowid), options);
  }

  get count(): number {
    return this.written + this.packer.count;
  }

  /** Rows written by the worker thread and by this one (small imports, the start of large ones, or all when no worker could start). */
  get writtenBy(): WrittenBy {
    return this.writer?.written ?? { thread: 0, worker: 0 };
  }

  /** Starts the writer thread now, when many rows are on their way (it takes a moment to start). */
  expectMany(): void {
    if (this.handedOver || this.options.worker === false) return;
    this.handedOver = true;
    this.thread ??= inThread(this.sqlite, this.id);
    this.writer = handOver(this.thread, this.options);
  }

  /** Buffers one entry; a full batch goes to the writer. Call `drain` now and then. */
  add(e: CatalogueEntry): void {
    this.packer.add(e);
    if (!this.packer.full) return;
    // A second full batch: a large import, worth a writer thread from here on.
    if (this.written > 0) this.expectMany();
    this.send();
  }

  /** Waits while the writer is behind (and, writing on this thread, lets the event loop run). */
  drain(): Promise<void> {
    return this.writer?.drain() ?? Promise.resolve();
  }

  async addAll(entries: Iterable<CatalogueEntry>): Promise<void> {
    for (const e of entries) {
      this.add(e);
      if (this.packer.count === 0) await this.drain();
    }
  }

  /**
   * Writes the rest, then marks the version ready and active in one durable transaction;
   * `also` writes the version's other rows (person ratios) in that same transaction.
   */
  async commit(fields: VersionFields, also?: () => void): Promise<void> {
    this.send();
    await this.writer?.finish();
    activate(this.sqlite, this.id, fields, also);
  }

  /** Removes what was written; the version never existed for anyone else. */
  async abort(): Promise<void> {
    await this.writer?.close().catch(() => undefined);
    await deleteVersionRows(this.sqlite, this.id);
    this.sqlite.prepare('DELETE FROM catalogue_versions WHERE id = ?').run(this.id);
  }

  private send(): void {
    const batch = this.packer.take();
    if (!batch) return;
    this.writer ??= this.thread ??= inThread(this.sqlite, this.id);
    this.written += batch.count;
    this.writer.write(batch);
  }
}

/** Makes `id` the active version of its kind (and ready, with the given counts when provided), after `also` in the same transaction. */
export function activate(sqlite: Database.Database, id: number, fields?: VersionFields, also?: () => void): void {
  sqlite.transaction(() => {
    also?.();
    const { kind } = sqlite.prepare('SELECT kind FROM catalogue_versions WHERE id = ?').get(id) as { kind: string };
    if (fields) {
      sqlite.prepare(`UPDATE catalogue_versions SET status = 'ready', row_count = ?, entry_count = ?, label = ?, platform_ver = ?, checksum = ? WHERE id = ?`)
        .run(fields.rowCount, fields.entryCount, fields.label, fields.platformVer, fields.checksum, id);
    }
    sqlite.prepare('UPDATE catalogue_versions SET active = 0 WHERE kind = ? AND active = 1').run(kind);
    sqlite.prepare('UPDATE catalogue_versions SET active = 1, activated_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  })();
}

/** Deletes a version's rows: entries a chunk at a time, so the service keeps answering meanwhile, then its mappings and person ratios. */
export async function deleteVersionRows(sqlite: Database.Database, id: number): Promise<void> {
  const entries = sqlite.prepare(`DELETE FROM catalogue_entries WHERE rowid IN (SELECT rowid FROM catalogue_entries WHERE version_id = ? LIMIT ${BATCH})`);
  while (bulkChunk(sqlite, () => entries.run(id).changes) > 0) await nextTurn();
  sqlite.prepare('DELETE FROM item_mappings WHERE version_id = ?').run(id);
  sqlite.prepare('DELETE FROM catalogue_person_ratios WHERE version_id = ?').run(id);
}

/** A version's class-B proportions per person type, by code, each code's types in order. */
export function readPersonRatios(sqlite: Database.Database, versionId: number): PersonRatios {
  const out = new Map<string, Map<string, Ratio>>();
  const rows = sqlite.prepare<[number], { code: string; psnType: string; ratio: Ratio }>('SELECT code, psn_type AS psnType, self_pay_ratio AS ratio FROM catalogue_person_ratios WHERE version_id = ? ORDER BY code, psn_type').all(versionId);
  for (const r of rows) {
    let byType = out.get(r.code);
    if (!byType) out.set(r.code, (byType = new Map()));
    byType.set(r.psnType, r.ratio);
  }
  return out;
}
