import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { openDataStore, type DataStore } from '../../src/db/database.js';
import { zipOneFile } from '../../src/catalogue/io/zip.js';
import { CatalogueStore, type ImportOptions } from '../../src/catalogue/store.js';
import { ImportError } from '../../src/catalogue/import-error.js';

export const SAMPLES = path.resolve(import.meta.dirname, '../../catalogue');
export const sample = (name: string) => path.join(SAMPLES, name);

export interface TempCatalogue {
  dir: string;
  store: DataStore;
  catalogue: CatalogueStore;
  /** Writes a file into the temporary folder and returns its path. */
  file(name: string, content: string | Uint8Array): string;
  /** A zip holding one text file, as the platform ships 1301. */
  zip(name: string, text: string | Uint8Array, entry?: string): string;
  /** A second store on the same database, as the CLI would open it beside the service. */
  reopen(): CatalogueStore;
  close(): void;
}

export function tempCatalogue(keepVersions?: number): TempCatalogue {
  const dir = mkdtempSync(path.join(tmpdir(), 'catalogue-test-'));
  const store = openDataStore(dir);
  const catalogue = new CatalogueStore(store, keepVersions ? { keepVersions } : {});
  const file = (name: string, content: string | Uint8Array) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  return {
    dir, store, catalogue, file,
    zip: (name, text, entry = '1301.txt') => file(name, zipOneFile(entry, typeof text === 'string' ? Buffer.from(text) : text)),
    reopen: () => new CatalogueStore(store, keepVersions ? { keepVersions } : {}),
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Everything a bad import must leave exactly as it was. */
export function observable(t: TempCatalogue) {
  const index = t.catalogue.index;
  return {
    versions: t.catalogue.versions(),
    catalogueVersion: index.version?.id ?? null,
    mappingVersion: index.mappingVersion?.id ?? null,
    entries: JSON.stringify([...index.entries()]),
    rows: t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_entries').get(),
    mappings: t.store.sqlite.prepare('SELECT count(*) AS n FROM item_mappings').get(),
    versionRows: t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_versions').get(),
  };
}

/** Imports a bad file and checks the error's place and that nothing changed. */
export async function expectRejected(t: TempCatalogue, file: string, where: Record<string, unknown>, problem: RegExp, options: ImportOptions = {}): Promise<ImportError> {
  const before = observable(t);
  const err = await t.catalogue.importFile(file, options).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ImportError);
  const detail = (err as ImportError).detail();
  expect(detail).toMatchObject(where);
  expect(String(detail['problem'])).toMatch(problem);
  expect(observable(t)).toEqual(before);
  return err as ImportError;
}
