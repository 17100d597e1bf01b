import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataStore } from '../db/database.js';
import type { Ratio } from '../money.js';
import { StringTable } from './compact.js';
import { diffVersions, type CatalogueDiff } from './diff.js';
import { NO_POLICY, type CatalogueEntry, type PaymentPolicy } from './entry.js';
import { ImportError, type Position, type ProgressFn } from './import-error.js';
import { CatalogueIndex, type CatalogueVersionInfo, type MappingInfo } from './index.js';
import { sha256File } from './io/file-bytes.js';
import { column1301 } from './formats/nhsa-1301.js';
import type { MappingRow } from './formats/item-mapping.js';
import { WORKBOOK_SHEET } from './formats/workbook.js';
import { detectFormat, read1301, readMapping, readPolicy, readWorkbook, type FileFormat, type FileMeta, type RowBatch } from './readers.js';
import { activate, deleteVersionRows, readPersonRatios, StagedVersion } from './staging.js';
import type { WriterOptions } from './staging-writer.js';

export { ImportError } from './import-error.js';

export type VersionKind = 'catalogue' | 'mapping';

export interface ImportOptions {
  /** Forces the format instead of detecting it from the name and first bytes. */
  format?: FileFormat;
  onProgress?: ProgressFn;
  /** What the version records as its source (default: the file's name). */
  source?: string;
}

export interface ImportResult {
  version: CatalogueVersionInfo;
  format: FileFormat;
  /** Things worth knowing that do not stop the import (e.g. mappings to unknown codes). */
  warnings: string[];
}

export interface CatalogueStoreOptions {
  /** Versions of each kind kept with their rows (for rollback and diff); older ones are pruned. */
  keepVersions?: number;
  /** How staged rows are written (a worker thread for large imports, by default). */
  staging?: WriterOptions;
}

/** A file this large holds thousands of rows: the staged version's writer thread is started before the first are read. */
const LARGE_FILE = 1 << 20;

const VERSION_COLUMNS = `id, kind, format, source, label, platform_ver AS platformVer, based_on AS basedOn, row_count AS rowCount,
  entry_count AS entryCount, checksum, imported_at AS importedAt, status, active, activated_at AS activatedAt`;

const ENTRY_COLUMNS = `code, name, generic_name, dosage_form, spec, manufacturer, approval_no, standard_code, insurance_class, self_pay_ratio,
  price_cap_fen, over_cap_handling, restricted, restricted_scope, prescription_only, begin_date, end_date, valid, market_status, list_version`;

export interface StoredVersion extends CatalogueVersionInfo {
  kind: VersionKind;
  entryCount: number;
  active: boolean;
  status: string;
}

/**
 * The catalogue's versions in SQLite and the in-memory index of the active ones. Imports
 * run one at a time; each builds a complete new version beside the active one and switches
 * over in one transaction, so a bad file, a crash or a parallel reader never sees half a
 * catalogue.
 */
export class CatalogueStore {
  private current: CatalogueIndex;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly keep: number;
  private readonly staging: WriterOptions;

  constructor(private readonly store: DataStore, options: CatalogueStoreOptions = {}) {
    this.keep = Math.max(2, options.keepVersions ?? 12);
    this.staging = options.staging ?? {};
    this.discardLeftovers();
    this.current = this.loadActive();
  }

  get index(): CatalogueIndex {
    return this.current;
  }

  /** Imports any supported file as a new active version of its kind. */
  importFile(file: string, options: ImportOptions = {}): Promise<ImportResult> {
    return this.exclusive(async () => {
      const format = options.format ?? (await detectFormat(file));
      const source = options.source ?? path.basename(file);
      switch (format) {
        case 'mapping': return this.importMapping(file, source, await sha256File(file), options.onProgress);
        case 'policy': return this.importPolicy(file, source, await sha256File(file), options.onProgress);
        default: return (await this.importCatalogue(once(file), format, source, 'full', { label: null, platformVer: null, rows: 0 }, false, options.onProgress))!;
      }
    });
  }

  /**
   * Imports the pages of one platform download (1301 files fetched through 9102) as one
   * version. From ver 0 they are the whole catalogue; otherwise they hold only the rows
   * changed since, laid over the active version. `meta.platformVer` is updated after each
   * page, which is where the next page starts. Null when the download held no rows.
   */
  importDownload(pages: AsyncIterable<string>, source: string, mode: 'full' | 'delta', meta: FileMeta, onProgress?: ProgressFn): Promise<ImportResult | null> {
    return this.exclusive(() => this.importCatalogue(pages, '1301-zip', source, mode, meta, true, onProgress));
  }

  /** Makes the version before the active one (of that kind) active again. */
  rollback(kind: VersionKind = 'catalogue'): Promise<StoredVersion> {
    return this.exclusive(async () => {
      const active = this.versions(kind).find((v) => v.active);
      if (!active) throw new ImportError('rollback', null, null, `there is no active ${kind} version to roll back`);
      const previous = this.versions(kind).find((v) => v.id < active.id && v.status === 'ready');
      if (!previous) throw new ImportError('rollback', null, null, `no earlier ${kind} version is kept (versions before ${active.id} were pruned or never existed)`);
      activate(this.store.sqlite, previous.id);
      this.current = this.loadActive();
      return this.versions(kind).find((v) => v.id === previous.id)!;
    });
  }

  /** Every version, newest first. */
  versions(kind?: VersionKind): StoredVersion[] {
    const rows = this.store.sqlite.prepare(`SELECT ${VERSION_COLUMNS} FROM catalogue_versions WHERE status != 'staging' ${kind ? 'AND kind = ?' : ''} ORDER BY id DESC`)
      .all(...(kind ? [kind] : [])) as (Omit<StoredVersion, 'active'> & { active: number })[];
    return rows.map((r) => ({ ...r, active: r.active === 1 }));
  }

  diff(from: number, to: number): CatalogueDiff {
    const byId = new Map(this.versions('catalogue').map((v) => [v.id, v]));
    for (const id of [from, to]) {
      const v = byId.get(id);
      if (!v) throw new ImportError('diff', null, null, `no catalogue version ${id}`);
      if (v.status !== 'ready') throw new ImportError('diff', null, null, `catalogue version ${id} was pruned; its rows are gone`);
    }
    return diffVersions(this.store.sqlite, from, to);
  }

  /**
   * Picks up a version another process (the CLI) activated in the same database. Cheap when
   * nothing changed: one indexed query.
   */
  refresh(): Promise<boolean> {
    return this.exclusive(async () => {
      const ids = this.activeIds();
      if (ids.catalogue === (this.current.version?.id ?? null) && ids.mapping === (this.current.mappingVersion?.id ?? null)) return false;
      this.current = this.loadActive();
      return true;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async importCatalogue(files: AsyncIterable<string>, format: FileFormat, source: string, mode: 'full' | 'delta', meta: FileMeta, pages: boolean, onProgress?: ProgressFn): Promise<ImportResult | null> {
    const previous = this.current;
    const staged = StagedVersion.begin(this.store.sqlite, { kind: 'catalogue', format: formatName(format), source, checksum: '', basedOn: previous.version?.id ?? null }, this.staging);
    try {
      const strings = new StringTable();
      const entries = new Map<string, CatalogueEntry>();
      const sums: string[] = [];
      let rowCount = 0;
      let firstFile: string | undefined;
      for await (const file of files) {
        firstFile ??= file;
        if (!pages && (await stat(file)).size >= LARGE_FILE) staged.expectMany();
        sums.push(await sha256File(file));
        // A code twice in one file is an error; a later page of a download may update an earlier one.
        const seen = pages ? new Map<string, CatalogueEntry>() : entries;
        const lines: number[] = [];
        const reader = readCatalogue(file, format, meta, strings, onProgress);
        for await (const batch of reader.batches) {
          for (let i = 0; i < batch.rows.length; i++) {
            const parsed = batch.rows[i]!;
            const entry = withPolicy(parsed, previous.get(parsed.code));
            // One hash lookup per row: a code seen before leaves the size unchanged.
            const size = seen.size;
            seen.set(entry.code, entry);
            if (seen.size === size) {
              const first = lines[[...seen.keys()].indexOf(parsed.code)];
              throw new ImportError(file, reader.position(batch.at[i]!), reader.codeColumn, `duplicate code ${parsed.code} (first at ${reader.unit} ${first})`);
            }
            if (seen !== entries) entries.set(entry.code, entry);
            lines.push(batch.at[i]!);
            if (!pages) staged.add(entry);
          }
          rowCount += batch.rows.length;
          await staged.drain();
        }
      }
      if (rowCount === 0) {
        if (firstFile !== undefined && mode === 'full') throw new ImportError(firstFile, null, null, 'the file holds no catalogue rows');
        await staged.abort();
        return null;
      }
      let snapshot = entries;
      if (mode === 'delta') {
        // Unchanged entries keep their place; changed and new ones come from the download.
        snapshot = new Map();
        for (const e of previous.entries()) snapshot.set(e.code, entries.get(e.code) ?? e);
        for (const e of entries.values()) if (!snapshot.has(e.code)) snapshot.set(e.code, e);
      }
      // Download pages may update one another's rows: written once all are read.
      if (pages) await staged.addAll(snapshot.values());
      if (mode === 'delta') {
        if (meta.platformVer === null) meta.platformVer = previous.version?.platformVer ?? null;
        meta.label ??= previous.version?.label ?? null;
      }
      const checksum = sums.length === 1 ? sums[0]! : createHash('sha256').update(sums.join('\n')).digest('hex');
      await staged.commit({ rowCount, entryCount: snapshot.size, label: meta.label, platformVer: meta.platformVer, checksum }, () => {
        if (previous.version) this.carryPersonRatios(previous.version.id, staged.id);
      });
      return await this.activated(staged.id, snapshot, format);
    } catch (err) {
      await staged.abort();
      throw err;
    }
  }

  /** A payment-policy file: the active entries with this policy in place of the previous one. */
  private async importPolicy(file: string, source: string, checksum: string, onProgress?: ProgressFn): Promise<ImportResult> {
    const previous = this.current;
    if (!previous.version) throw new ImportError(file, null, null, 'import a catalogue (1301 or workbook) before its payment policy');
    const policy = new Map<string, { policy: PaymentPolicy; line: number }>();
    const personRatios: { code: string; personType: string; ratio: Ratio }[] = [];
    const personLines = new Map<string, number>();
    for await (const { value, line } of readPolicy(file, onProgress)) {
      const key = value.personType === null ? null : `${value.code}\t${value.personType}`;
      const first = key === null ? policy.get(value.code)?.line : personLines.get(key);
      if (first !== undefined) {
        throw key === null
          ? new ImportError(file, { line }, 'hilist_code', `duplicate code ${value.code} (first at line ${first})`)
          : new ImportError(file, { line }, 'selfpay_prop_psn_type', `duplicate person type ${value.personType} for code ${value.code} (first at line ${first})`);
      }
      if (!previous.get(value.code)) throw new ImportError(file, { line }, 'hilist_code', `${value.code} is not in the active catalogue (version ${previous.version.id})`);
      if (value.personType === null) {
        policy.set(value.code, { policy: value.policy, line });
      } else {
        personLines.set(key!, line);
        personRatios.push({ code: value.code, personType: value.personType, ratio: value.selfPayRatio });
      }
    }
    const rowCount = policy.size + personRatios.length;
    if (rowCount === 0) throw new ImportError(file, null, null, 'the file holds no policy rows');
    const snapshot = new Map<string, CatalogueEntry>();
    for (const e of previous.entries()) snapshot.set(e.code, { ...e, ...(policy.get(e.code)?.policy ?? NO_POLICY) });
    const staged = StagedVersion.begin(this.store.sqlite, { kind: 'catalogue', format: 'policy', source, checksum, basedOn: previous.version.id }, this.staging);
    try {
      await staged.addAll(snapshot.values());
      await staged.commit({ rowCount, entryCount: snapshot.size, label: previous.version.label, platformVer: previous.version.platformVer ?? null, checksum }, () => {
        const insert = this.store.sqlite.prepare('INSERT INTO catalogue_person_ratios (version_id, code, psn_type, self_pay_ratio) VALUES (?, ?, ?, ?)');
        for (const p of personRatios) insert.run(staged.id, p.code, p.personType, p.ratio);
      });
    } catch (err) {
      await staged.abort();
      throw err;
    }
    return this.activated(staged.id, snapshot, 'policy');
  }

  /** The item mapping: small enough to check whole before one transaction writes it. */
  private async importMapping(file: string, source: string, checksum: string, onProgress?: ProgressFn): Promise<ImportResult> {
    const rows: MappingRow[] = [];
    const byLocal = new Map<string, number>();
    const byBarcode = new Map<string, number>();
    for await (const { value, line } of readMapping(file, onProgress)) {
      for (const [key, seen, column] of [[value.localCode, byLocal, 'local_code'], [value.barcode, byBarcode, 'barcode']] as const) {
        if (key === null) continue;
        const first = seen.get(key);
        if (first !== undefined) throw new ImportError(file, { line }, column, `duplicate ${column} ${key} (first at line ${first})`);
        seen.set(key, line);
      }
      rows.push(value);
    }
    if (rows.length === 0) throw new ImportError(file, null, null, 'the file holds no mapping rows');
    const { sqlite } = this.store;
    const id = sqlite.transaction(() => {
      const staged = StagedVersion.begin(sqlite, { kind: 'mapping', format: 'mapping', source, checksum, basedOn: null });
      const insert = sqlite.prepare('INSERT INTO item_mappings (version_id, local_code, barcode, code, local_name) VALUES (?, ?, ?, ?, ?)');
      for (const r of rows) insert.run(staged.id, r.localCode, r.barcode, r.code, r.localName);
      activate(sqlite, staged.id, { rowCount: rows.length, entryCount: rows.length, label: null, platformVer: null, checksum });
      return staged.id;
    })();
    const unknown = this.current.loaded ? rows.filter((r) => !this.current.get(r.code)) : [];
    this.current = this.current.withMappings(rows, this.versionInfo(id));
    await this.prune('mapping');
    const warnings = unknown.length === 0 ? [] : [`${unknown.length} mapped item(s) point at codes not in the active catalogue, e.g. ${unknown.slice(0, 3).map((r) => r.code).join(', ')}: they will be self-pay until the catalogue lists them`];
    return { version: this.versionInfo(id), format: 'mapping', warnings };
  }

  private async activated(id: number, snapshot: Map<string, CatalogueEntry>, format: FileFormat): Promise<ImportResult> {
    const info = this.versionInfo(id);
    this.current = new CatalogueIndex(info, snapshot, this.loadMappings(this.current.mappingVersion?.id ?? null), this.current.mappingVersion, readPersonRatios(this.store.sqlite, id));
    await this.prune('catalogue');
    return { version: info, format, warnings: [] };
  }

  /** Deletes the rows of versions beyond the newest `keep` of a kind; their records stay. */
  private async prune(kind: VersionKind): Promise<void> {
    const { sqlite } = this.store;
    const stale = (sqlite.prepare(`SELECT id FROM catalogue_versions WHERE kind = ? AND status = 'ready' AND active = 0 ORDER BY id DESC LIMIT -1 OFFSET ?`)
      .all(kind, this.keep - 1) as { id: number }[]).map((r) => r.id);
    for (const id of stale) {
      sqlite.prepare(`UPDATE catalogue_versions SET status = 'pruned' WHERE id = ?`).run(id);
      await deleteVersionRows(sqlite, id);
    }
  }

  /** After a crash: staging rows were never active, pruning may have been cut short. */
  private discardLeftovers(): void {
    const { sqlite } = this.store;
    const ids = sqlite.prepare(`SELECT id, status FROM catalogue_versions WHERE status IN ('staging', 'pruned')`).all() as { id: number; status: string }[];
    for (const { id, status } of ids) {
      sqlite.prepare('DELETE FROM catalogue_entries WHERE version_id = ?').run(id);
      sqlite.prepare('DELETE FROM item_mappings WHERE version_id = ?').run(id);
      sqlite.prepare('DELETE FROM catalogue_person_ratios WHERE version_id = ?').run(id);
      if (status === 'staging') sqlite.prepare('DELETE FROM catalogue_versions WHERE id = ?').run(id);
    }
  }

  private activeIds(): { catalogue: number | null; mapping: number | null } {
    const rows = this.store.sqlite.prepare('SELECT kind, max(id) AS id FROM catalogue_versions WHERE active = 1 GROUP BY kind').all() as { kind: string; id: number }[];
    return { catalogue: rows.find((r) => r.kind === 'catalogue')?.id ?? null, mapping: rows.find((r) => r.kind === 'mapping')?.id ?? null };
  }

  private versionInfo(id: number): StoredVersion {
    const r = this.store.sqlite.prepare(`SELECT ${VERSION_COLUMNS} FROM catalogue_versions WHERE id = ?`).get(id) as Omit<StoredVersion, 'active'> & { active: number };
    return { ...r, active: r.active === 1 };
  }

  private loadMappings(versionId: number | null): MappingInfo[] {
    if (versionId === null) return [];
    return this.store.sqlite.prepare('SELECT local_code AS localCode, barcode, code FROM item_mappings WHERE version_id = ?').all(versionId) as MappingInfo[];
  }

  /**
   * A catalogue file carries no payment policy: the person ratios of the version it was built on
   * stay in force for the codes the new version still lists (as withPolicy keeps the defaults).
   */
  private carryPersonRatios(from: number, to: number): void {
    this.store.sqlite.prepare(`INSERT INTO catalogue_person_ratios (version_id, code, psn_type, self_pay_ratio)
      SELECT ?, p.code, p.psn_type, p.self_pay_ratio FROM catalogue_person_ratios p
      WHERE p.version_id = ? AND EXISTS (SELECT 1 FROM catalogue_entries e WHERE e.version_id = ? AND e.code = p.code)`).run(to, from, to);
  }

  private loadActive(): CatalogueIndex {
    const ids = this.activeIds();
    const mappingVersion = ids.mapping === null ? null : this.versionInfo(ids.mapping);
    const mappings = this.loadMappings(ids.mapping);
    if (ids.catalogue === null) return new CatalogueIndex(null, [], mappings, mappingVersion);
    const strings = new StringTable();
    const entries = new Map<string, CatalogueEntry>();
    const rows = this.store.sqlite.prepare(`SELECT ${ENTRY_COLUMNS} FROM catalogue_entries WHERE version_id = ?`).raw().iterate(ids.catalogue) as IterableIterator<unknown[]>;
    for (const r of rows) {
      const e: CatalogueEntry = {
        code: r[0] as string,
        name: strings.intern(r[1] as string),
        genericName: strings.intern(r[2] as string | null),
        dosageForm: strings.intern(r[3] as string | null),
        spec: strings.intern(r[4] as string | null),
        manufacturer: strings.intern(r[5] as string | null),
        approvalNo: r[6] as string | null,
        standardCode: r[7] as string | null,
        insuranceClass: r[8] as CatalogueEntry['insuranceClass'],
        selfPayRatio: r[9] as number | null,
        priceCapFen: r[10] as number | null,
        overCapHandling: r[11] as CatalogueEntry['overCapHandling'],
        restricted: r[12] === 1,
        restrictedScope: strings.intern(r[13] as string | null),
        prescriptionOnly: r[14] === 1,
        beginDate: strings.intern(r[15] as string | null),
        endDate: strings.intern(r[16] as string | null),
        valid: r[17] === 1,
        marketStatus: r[18] === 'discontinued' ? 'discontinued' : 'listed',
        listVersion: strings.intern(r[19] as string | null),
      };
      entries.set(e.code, e);
    }
    return new CatalogueIndex(this.versionInfo(ids.catalogue), entries, mappings, mappingVersion, readPersonRatios(this.store.sqlite, ids.catalogue));
  }
}

/** The 1301 file and the workbook carry no payment policy: the active version's stays in force. */
function withPolicy(e: CatalogueEntry, previous: CatalogueEntry | undefined): CatalogueEntry {
  if (!previous || e.selfPayRatio !== null || e.priceCapFen !== null || e.overCapHandling !== null) return e;
  if (previous.selfPayRatio === null && previous.priceCapFen === null && previous.overCapHandling === null) return e;
  return { ...e, selfPayRatio: previous.selfPayRatio, priceCapFen: previous.priceCapFen, overCapHandling: previous.overCapHandling };
}

async function* once(file: string): AsyncGenerator<string> {
  yield file;
}

function formatName(format: FileFormat): string {
  return format.startsWith('1301') ? '1301' : format.startsWith('workbook') ? 'workbook' : format;
}

interface CatalogueReader {
  batches: AsyncIterable<RowBatch<CatalogueEntry>>;
  unit: 'line' | 'row';
  codeColumn: string;
  position(at: number): Position;
}

function readCatalogue(file: string, format: FileFormat, meta: FileMeta, strings: StringTable, onProgress?: ProgressFn): CatalogueReader {
  switch (format) {
    case '1301-zip':
    case '1301-text':
      return { batches: read1301(file, format, meta, onProgress), unit: 'line', codeColumn: column1301('med_list_codg'), position: (line) => ({ line }) };
    case 'workbook-xlsx':
      return { batches: readWorkbook(file, format, strings, onProgress), unit: 'row', codeColumn: '药品代码', position: (row) => ({ row, sheet: WORKBOOK_SHEET }) };
    case 'workbook-csv':
      return { batches: readWorkbook(file, format, strings, onProgress), unit: 'line', codeColumn: '药品代码', position: (line) => ({ line }) };
    default:
      throw new ImportError(file, null, null, `${format} is not a catalogue format`);
  }
}
