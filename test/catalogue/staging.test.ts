import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nationalRows, writeNational } from '../../catalogue/generate-national.js';
import type { CatalogueEntry } from '../../src/catalogue/entry.js';
import { format1301Line } from '../../src/catalogue/formats/nhsa-1301.js';
import { INSERT_ENTRY, RowPacker, RowUnpacker } from '../../src/catalogue/row-pack.js';
import { StagedVersion } from '../../src/catalogue/staging.js';
import { CatalogueStore } from '../../src/catalogue/store.js';
import { expectRejected, sample, tempCatalogue, type TempCatalogue } from './helpers.js';

let t: TempCatalogue;
beforeEach(() => {
  t = tempCatalogue();
});
afterEach(() => t.close());

const ROWS = 12_000;
const entries = (n = ROWS): CatalogueEntry[] => [...nationalRows(n, 7)].map((r) => r.entry);
const newVersion = { kind: 'catalogue', format: '1301', source: 'test', checksum: '', basedOn: null } as const;
const fields = (n: number) => ({ rowCount: n, entryCount: n, label: null, platformVer: null, checksum: 'x' });

/** The rows of a version as the database holds them, in code order. */
const stored = (id: number) => t.store.sqlite.prepare('SELECT * FROM catalogue_entries WHERE version_id = ? ORDER BY code').all(id);

/** A module that loads but has no serveStaging: the worker cannot start its writer. */
function brokenWorkerModule(): URL {
  const file = path.join(t.dir, 'no-writer.mjs');
  writeFileSync(file, 'export const nothing = 1;\n');
  return pathToFileURL(file);
}

describe('packed rows: what crosses to the writer thread', () => {
  it('every column comes back as the INSERT binds it: text, null, numbers, flags, repeated and unique strings', () => {
    const rows = entries(50);
    rows[1] = { ...rows[1]!, selfPayRatio: 1000, priceCapFen: 123_456_789_012, overCapHandling: 'refuse', listVersion: undefined, approvalNo: null, genericName: null };
    const packer = new RowPacker(20);
    const unpacker = new RowUnpacker(7);
    const seen: unknown[][] = [];
    for (const e of rows) {
      packer.add(e);
      if (packer.full) unpacker.each(packer.take()!, (p) => seen.push([...p]));
    }
    unpacker.each(packer.take()!, (p) => seen.push([...p]));
    expect(packer.take()).toBeNull();
    expect(seen).toEqual(rows.map((e) => [7, e.code, e.name, e.genericName, e.dosageForm, e.spec, e.manufacturer, e.approvalNo, e.standardCode, e.insuranceClass,
      e.selfPayRatio, e.priceCapFen, e.overCapHandling, e.restricted ? 1 : 0, e.restrictedScope, e.prescriptionOnly ? 1 : 0, e.beginDate, e.endDate, e.valid ? 1 : 0,
      e.marketStatus, e.listVersion ?? null]));
    expect(INSERT_ENTRY.match(/\?/g)).toHaveLength(21);
  });
});

describe('staged writes', () => {
  it('a large version is written by a worker thread, row for row what this thread would write', async () => {
    const rows = entries();
    const byWorker = StagedVersion.begin(t.store.sqlite, newVersion, { waitForWorker: true });
    byWorker.expectMany();
    await byWorker.addAll(rows);
    await byWorker.commit(fields(rows.length));
    expect(byWorker.writtenBy).toEqual({ thread: 0, worker: ROWS });
    const byThread = StagedVersion.begin(t.store.sqlite, newVersion, { worker: false });
    await byThread.addAll(rows);
    await byThread.commit(fields(rows.length));
    expect(byThread.writtenBy).toEqual({ thread: ROWS, worker: 0 });
    const strip = (r: unknown) => ({ ...(r as object), version_id: 0 });
    expect(stored(byWorker.id)).toHaveLength(ROWS);
    expect(stored(byWorker.id).map(strip)).toEqual(stored(byThread.id).map(strip));
  });

  it('one of fewer than two batches never starts a worker', async () => {
    const staged = StagedVersion.begin(t.store.sqlite, newVersion, { waitForWorker: true });
    await staged.addAll(entries(9000));
    await staged.commit(fields(9000));
    expect(staged.writtenBy).toEqual({ thread: 9000, worker: 0 });
    expect(stored(staged.id)).toHaveLength(9000);
  });

  it('an import that ends before its worker has started is written here', async () => {
    const staged = StagedVersion.begin(t.store.sqlite, newVersion);
    staged.expectMany();
    await staged.addAll(entries(6000));
    await staged.commit(fields(6000));
    expect(staged.writtenBy).toEqual({ thread: 6000, worker: 0 });
    expect(stored(staged.id)).toHaveLength(6000);
  });

  it('batches beyond what may wait for a starting worker are written here; the worker takes over once ready', async () => {
    const rows = nationalRows(1_000_000, 11);
    const staged = StagedVersion.begin(t.store.sqlite, newVersion);
    staged.expectMany();
    const batch = () => {
      for (let i = 0; i < 5000; i++) staged.add(rows.next().value!.entry);
    };
    // Seventeen batches before the worker can possibly have started: one more than may wait.
    for (let i = 0; i < 17; i++) batch();
    expect(staged.writtenBy).toEqual({ thread: 85_000, worker: 0 });
    const deadline = Date.now() + 60_000;
    while (staged.writtenBy.worker === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      batch();
      await staged.drain();
    }
    await staged.commit(fields(staged.count));
    expect(staged.writtenBy.thread).toBeGreaterThanOrEqual(85_000);
    expect(staged.writtenBy.worker).toBeGreaterThan(0);
    expect(stored(staged.id)).toHaveLength(staged.count);
  });

  it('when the worker cannot start, this thread writes everything instead', async () => {
    const staged = StagedVersion.begin(t.store.sqlite, newVersion, { workerModule: brokenWorkerModule(), waitForWorker: true });
    staged.expectMany();
    await staged.addAll(entries());
    await staged.commit(fields(ROWS));
    expect(staged.writtenBy).toEqual({ thread: ROWS, worker: 0 });
    expect(stored(staged.id)).toHaveLength(ROWS);
  });

  it('a worker that fails while writing fails the import, and abort leaves nothing behind', async () => {
    const staged = StagedVersion.begin(t.store.sqlite, newVersion, { waitForWorker: true });
    staged.expectMany();
    // Rows of a version that no longer exists break the foreign key on the worker's first insert.
    t.store.sqlite.prepare('DELETE FROM catalogue_versions WHERE id = ?').run(staged.id);
    const failed = staged.addAll(entries()).then(() => staged.commit(fields(ROWS)));
    await expect(failed).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    await staged.abort();
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_entries').get()).toEqual({ n: 0 });
  });

  it('abort after the worker has committed rows removes them all', async () => {
    const staged = StagedVersion.begin(t.store.sqlite, newVersion, { waitForWorker: true });
    staged.expectMany();
    await staged.addAll(entries(60_000));
    while (staged.writtenBy.worker < 60_000) await new Promise((r) => setTimeout(r, 20));
    await staged.drain();
    await staged.abort();
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_entries').get()).toEqual({ n: 0 });
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_versions').get()).toEqual({ n: 0 });
  });
});

describe('a national-style 1301 import', () => {
  it('with or without the writer thread: the same version, rows and index', async () => {
    const { zip } = await writeNational(path.join(t.dir, 'files'), ROWS);
    const byWorker = new CatalogueStore(t.store, { staging: { waitForWorker: true } });
    const { version } = await byWorker.importFile(zip);
    const inThread = new CatalogueStore(t.store, { staging: { worker: false } });
    const again = await inThread.importFile(zip);
    expect(again.version.checksum).toBe(version.checksum);
    expect(version.rowCount).toBe(ROWS);
    const strip = (r: unknown) => ({ ...(r as object), version_id: 0 });
    expect(stored(version.id).map(strip)).toEqual(stored(again.version.id).map(strip));
    expect([...byWorker.index.entries()]).toEqual([...inThread.index.entries()]);
  });

  it('a bad line near the end of a large file: its place, and nothing changed', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    const lines = entries().map((e) => format1301Line(e));
    lines.push(format1301Line({ ...entries(1)[0]!, code: 'XA01ABD075A002019999999', beginDate: '2024-02-30' }));
    const file = t.file('large-1301.txt', lines.join('\n') + '\n');
    t.catalogue = new CatalogueStore(t.store, { staging: { waitForWorker: true } });
    await expectRejected(t, file, { file: 'large-1301.txt', line: ROWS + 1, column: 'begndate (column 37)' }, /not a date/);
  });
});
