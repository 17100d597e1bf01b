import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import type { DataStore } from '../db/database.js';
import type { CatalogueEntry } from './entry.js';
import { CatalogueIndex, type CatalogueVersionInfo } from './index.js';
import { parse1301Line, RowError } from './formats/nhsa-1301.js';
import { catalogueEntries, catalogueVersions, itemMappings } from './schema.js';

export class ImportError extends Error {
  constructor(readonly file: string, readonly line: number | null, readonly column: string | null, message: string) {
    super(`${path.basename(file)}${line !== null ? `:${line}` : ''}${column ? ` [${column}]` : ''}: ${message}`);
    this.name = 'ImportError';
  }
}

/** Catalogue versions in SQLite and the in-memory index of the active one. */
export class CatalogueStore {
  private current: CatalogueIndex;

  constructor(private readonly store: DataStore) {
    this.current = this.loadActive();
  }

  get index(): CatalogueIndex {
    return this.current;
  }

  /** Imports a 1301 text file as a new version and activates it; a bad file changes nothing. */
  import1301(file: string): CatalogueVersionInfo {
    const bytes = readFileSync(file);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const entries: CatalogueEntry[] = [];
    const seen = new Set<string>();
    let lineNo = 0;
    for (const raw of text.split(/\r?\n/)) {
      lineNo++;
      if (raw.trim() === '') continue;
      try {
        const entry = parse1301Line(raw, lineNo);
        if (seen.has(entry.code)) throw new RowError(lineNo, 'med_list_codg', `duplicate code ${entry.code}`);
        seen.add(entry.code);
        entries.push(entry);
      } catch (err) {
        if (err instanceof RowError) throw new ImportError(file, err.line, err.column, err.message);
        throw err;
      }
    }
    if (entries.length === 0) throw new ImportError(file, null, null, 'the file holds no rows');
    const checksum = createHash('sha256').update(bytes).digest('hex');
    return this.saveVersion('1301', path.basename(file), checksum, entries);
  }

  /** Imports the pharmacy's item mapping CSV (local_code,barcode,med_list_codg,local_name), replacing the previous one. */
  importMapping(file: string): number {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    const rows: { localCode: string | null; barcode: string | null; code: string; localName: string | null }[] = [];
    lines.forEach((raw, i) => {
      if (i === 0 || raw.trim() === '') return;
      const [localCode = '', barcode = '', code = '', localName = ''] = raw.split(',').map((s) => s.trim());
      if (!code) throw new ImportError(file, i + 1, 'med_list_codg', 'empty');
      rows.push({ localCode: localCode || null, barcode: barcode || null, code, localName: localName || null });
    });
    const { db } = this.store;
    db.transaction((tx) => {
      tx.delete(itemMappings).run();
      for (const row of rows) tx.insert(itemMappings).values(row).run();
    });
    this.current = this.loadActive();
    return rows.length;
  }

  private saveVersion(format: string, source: string, checksum: string, entries: CatalogueEntry[]): CatalogueVersionInfo {
    const { db } = this.store;
    const importedAt = new Date().toISOString();
    const id = db.transaction((tx) => {
      const version = tx.insert(catalogueVersions).values({ format, source, label: null, rowCount: entries.length, checksum, importedAt, active: false }).returning({ id: catalogueVersions.id }).get();
      for (const e of entries) tx.insert(catalogueEntries).values({ ...e, versionId: version.id }).run();
      tx.update(catalogueVersions).set({ active: false }).run();
      tx.update(catalogueVersions).set({ active: true }).where(eq(catalogueVersions.id, version.id)).run();
      return version.id;
    });
    this.current = this.loadActive();
    return { id, format, source, label: null, rowCount: entries.length, checksum, importedAt };
  }

  private loadActive(): CatalogueIndex {
    const { db } = this.store;
    const version = db.select().from(catalogueVersions).where(eq(catalogueVersions.active, true)).orderBy(desc(catalogueVersions.id)).get();
    const mappings = db.select().from(itemMappings).all();
    if (!version) return new CatalogueIndex(null, [], mappings);
    const rows = db.select().from(catalogueEntries).where(eq(catalogueEntries.versionId, version.id)).all();
    const entries: CatalogueEntry[] = rows.map(({ versionId: _v, ...e }) => ({
      ...e,
      insuranceClass: e.insuranceClass as CatalogueEntry['insuranceClass'],
      overCapHandling: e.overCapHandling as CatalogueEntry['overCapHandling'],
      marketStatus: e.marketStatus === 'discontinued' ? 'discontinued' : 'listed',
    }));
    const { active: _a, ...info } = version;
    return new CatalogueIndex(info, entries, mappings);
  }
}
