import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample1301Text } from '../../catalogue/make-samples.js';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import { format1301Line } from '../../src/catalogue/formats/nhsa-1301.js';
import { sample, tempCatalogue, type TempCatalogue } from './helpers.js';

let t: TempCatalogue;
beforeEach(() => {
  t = tempCatalogue(3);
});
afterEach(() => t.close());

describe('versions, diff and rollback', () => {
  it('every import is a version with its source, row count and checksum; one active per kind', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-payment-policy.csv'));
    await t.catalogue.importFile(sample('sample-item-mapping.csv'));
    const v = t.catalogue.versions();
    expect(v.map((x) => [x.id, x.kind, x.format, x.source, x.rowCount, x.entryCount, x.active])).toEqual([
      [3, 'mapping', 'mapping', 'sample-item-mapping.csv', 7, 7, true],
      [2, 'catalogue', 'policy', 'sample-payment-policy.csv', 7, 15, true],
      [1, 'catalogue', '1301', 'sample-1301.zip', 15, 15, false],
    ]);
    expect(new Set(v.map((x) => x.checksum)).size).toBe(3);
  });

  it('diff: added, removed, and changed class, cap, ratio or validity', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-payment-policy.csv'));
    const rows = SAMPLE_ROWS.filter((r) => r.entry.code !== 'XA11GAW001A001010100666').map((r) => {
      if (r.entry.code === 'XN02BEA011A001010100201') return { ...r.entry, insuranceClass: 'B' as const };
      if (r.entry.code === 'XM01AEB015A001010100345') return { ...r.entry, valid: true };
      return r.entry;
    });
    rows.push({ ...SAMPLE_ROWS[3]!.entry, code: 'XN02BEA011A001010100999', name: '对乙酰氨基酚片(新)' });
    await t.catalogue.importFile(t.zip('next.zip', rows.map((e) => format1301Line(e)).join('\n')));
    const d = t.catalogue.diff(2, 3);
    expect(d.added).toEqual([{ code: 'XN02BEA011A001010100999', name: '对乙酰氨基酚片(新)' }]);
    expect(d.removed).toEqual([{ code: 'XA11GAW001A001010100666', name: '维生素C片' }]);
    expect(d.changed).toEqual([
      { code: 'XM01AEB015A001010100345', name: '布洛芬缓释胶囊', changes: { valid: { from: 0, to: 1 } } },
      { code: 'XN02BEA011A001010100201', name: '对乙酰氨基酚片', changes: { insuranceClass: { from: 'A', to: 'B' } } },
    ]);
    // The policy came with the catalogue; a cap change shows as such.
    const caps = t.catalogue.diff(1, 2).changed.find((c) => c.code === 'XR06AXL001A001010100555');
    expect(caps?.changes).toEqual({ priceCapFen: { from: null, to: 1200 }, overCapHandling: { from: null, to: 'refuse' } });
  });

  it('rollback makes the previous version active, in the database and in memory', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-payment-policy.csv'));
    expect(t.catalogue.index.get('XC10AAA058A001010100123')?.priceCapFen).toBe(3000);
    const back = await t.catalogue.rollback();
    expect(back).toMatchObject({ id: 1, active: true });
    expect(t.catalogue.index.version?.id).toBe(1);
    expect(t.catalogue.index.get('XC10AAA058A001010100123')?.priceCapFen).toBeNull();
    expect(t.reopen().index.version?.id).toBe(1);
    await expect(t.catalogue.rollback()).rejects.toThrow(/no earlier catalogue version/);
  });

  it('the item mapping rolls back on its own', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-item-mapping.csv'));
    await t.catalogue.importFile(t.file('m.csv', 'local_code,barcode,med_list_codg\nL0001,,XJ01CAA040E001010101234\n'));
    expect(t.catalogue.index.resolve({ localCode: 'L0001' })).toBe('XJ01CAA040E001010101234');
    expect(t.catalogue.index.resolve({ barcode: '6901234567892' })).toBeUndefined();
    await t.catalogue.rollback('mapping');
    expect(t.catalogue.index.resolve({ localCode: 'L0001' })).toBe('XN02BEA011A001010100201');
    expect(t.catalogue.index.version?.id).toBe(1);
  });

  it('keeps the newest versions with their rows; older ones keep only their record', async () => {
    for (let i = 0; i < 5; i++) await t.catalogue.importFile(sample('sample-1301.zip'));
    const v = t.catalogue.versions('catalogue');
    expect(v.map((x) => [x.id, x.status])).toEqual([[5, 'ready'], [4, 'ready'], [3, 'ready'], [2, 'pruned'], [1, 'pruned']]);
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_entries WHERE version_id IN (1, 2)').get()).toEqual({ n: 0 });
    expect(() => t.catalogue.diff(1, 5)).toThrow(/pruned/);
  });

  it('a version activated by another process (the CLI) is picked up by refresh', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    const cli = t.reopen();
    await cli.importFile(sample('sample-payment-policy.csv'));
    expect(t.catalogue.index.version?.id).toBe(1);
    expect(await t.catalogue.refresh()).toBe(true);
    expect(t.catalogue.index.version?.id).toBe(2);
    expect(t.catalogue.index.get('XC10AAA058A001010100123')?.priceCapFen).toBe(3000);
    expect(await t.catalogue.refresh()).toBe(false);
  });

  it('imports run one at a time even when started together', async () => {
    const results = await Promise.all([
      t.catalogue.importFile(sample('sample-1301.zip')),
      t.catalogue.importFile(sample('sample-workbook.csv')),
      t.catalogue.importFile(t.zip('bad.zip', sample1301Text().replace('2020-01-01', '2020-13-01'))).catch((e: Error) => e),
      t.catalogue.importFile(sample('sample-workbook.xlsx')),
    ]);
    expect(results[2]).toBeInstanceOf(Error);
    expect(t.catalogue.versions('catalogue').map((v) => v.format)).toEqual(['workbook', 'workbook', '1301']);
    expect(t.catalogue.index.version?.source).toBe('sample-workbook.xlsx');
  });
});
