import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { format1301Line } from '../../src/catalogue/formats/nhsa-1301.js';
import { detectFormat } from '../../src/catalogue/readers.js';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import { sample1301Text, sampleWorkbookCsv, csvLine } from '../../catalogue/make-samples.js';
import { WORKBOOK_HEADERS } from '../../src/catalogue/formats/workbook.js';
import { sample, tempCatalogue, type TempCatalogue } from './helpers.js';

let t: TempCatalogue;
beforeEach(() => {
  t = tempCatalogue();
});
afterEach(() => t.close());

const byCode = (code: string) => SAMPLE_ROWS.find((r) => r.entry.code === code)!;

describe('importing each format', () => {
  it('recognises every sample by its name and first bytes', async () => {
    expect(await detectFormat(sample('sample-1301.zip'))).toBe('1301-zip');
    expect(await detectFormat(sample('sample-workbook.xlsx'))).toBe('workbook-xlsx');
    expect(await detectFormat(sample('sample-workbook.csv'))).toBe('workbook-csv');
    expect(await detectFormat(sample('sample-payment-policy.csv'))).toBe('policy');
    expect(await detectFormat(sample('sample-item-mapping.csv'))).toBe('mapping');
    expect(await detectFormat(t.file('plain.txt', sample1301Text()))).toBe('1301-text');
  });

  it('the 1301 zip: every field the rules use, by position, with the version stamped', async () => {
    const { version, format } = await t.catalogue.importFile(sample('sample-1301.zip'));
    expect(format).toBe('1301-zip');
    expect(version).toMatchObject({ kind: 'catalogue', format: '1301', source: 'sample-1301.zip', rowCount: 15, active: true, platformVer: '20260201', label: '2026年第2版' });
    expect(version.checksum).toMatch(/^[0-9a-f]{64}$/);
    const index = t.catalogue.index;
    expect(index.size).toBe(15);
    for (const r of SAMPLE_ROWS) expect(index.get(r.entry.code)).toEqual({ ...r.entry, selfPayRatio: null, priceCapFen: null, overCapHandling: null });
    // The real rows of domain.md: not in the insurance list (无).
    expect(index.get('XA01ABD075A002010100483')).toMatchObject({ insuranceClass: null, manufacturer: '汕头经济特区明治医药有限公司', standardCode: '86900483000019' });
    expect(index.get('ZA04BAL0235010102006')?.code).toHaveLength(20);
  });

  it('the 1301 text tolerates extra trailing columns, CRLF, a BOM and blank lines', async () => {
    const lines = sample1301Text().trim().split('\n').map((l, i) => (i % 2 ? `${l}\textra\tcolumns` : l));
    const file = t.file('1301.txt', '\ufeff' + lines.join('\r\n') + '\r\n\r\n');
    const { version } = await t.catalogue.importFile(file);
    expect(version.rowCount).toBe(15);
    expect(t.catalogue.index.get('XC10AAA058A001010100123')).toMatchObject({ insuranceClass: 'B', prescriptionOnly: true });
  });

  it('the workbook as XLSX: sheet 总表 with its two-row header, 无 meaning none', async () => {
    const { version } = await t.catalogue.importFile(sample('sample-workbook.xlsx'));
    expect(version).toMatchObject({ format: 'workbook', rowCount: 15, platformVer: null });
    const e = t.catalogue.index.get('XA01ABD075A002010100594')!;
    expect(e).toMatchObject({ name: '地喹氯铵含片', genericName: '地喹氯铵含片', dosageForm: '含片', spec: '0.25mg', manufacturer: '珠海同源药业有限公司', approvalNo: '国药准字H44024254', standardCode: '86900594000342', insuranceClass: null, restricted: false, restrictedScope: null });
    expect(t.catalogue.index.get('XB01ACA056A001010100888')).toMatchObject({ insuranceClass: 'B', genericName: '氯吡格雷', restricted: true, restrictedScope: '限住院患者' });
    expect(t.catalogue.index.get('XS01XAX101G010010100999')?.insuranceClass).toBe('C');
  });

  it('the workbook as CSV: the same entries as the XLSX', async () => {
    await t.catalogue.importFile(sample('sample-workbook.xlsx'));
    const xlsx = JSON.stringify([...t.catalogue.index.entries()]);
    const { version } = await t.catalogue.importFile(sample('sample-workbook.csv'));
    expect(version.rowCount).toBe(15);
    expect(JSON.stringify([...t.catalogue.index.entries()])).toBe(xlsx);
  });

  it('a workbook CSV with a title row and the two-row header also reads', async () => {
    const header2 = [...WORKBOOK_HEADERS.map(() => ''), '甲乙类', '编号', '药品名称', '剂型', '备注'];
    const top = [...WORKBOOK_HEADERS, '国家医保药品目录', '', '', '', ''];
    const body = sampleWorkbookCsv().split('\r\n').slice(1).join('\r\n');
    const file = t.file('wb.csv', csvLine(['医保药品分类与代码数据库']) + csvLine(top) + csvLine(header2) + body);
    const { version } = await t.catalogue.importFile(file);
    expect(version.rowCount).toBe(15);
    expect(t.catalogue.index.get('XN02BEA011A001010100201')?.insuranceClass).toBe('A');
  });

  it('the payment policy: caps, ratios and over-cap handling on top of the active catalogue', async () => {
    const base = await t.catalogue.importFile(sample('sample-1301.zip'));
    const { version } = await t.catalogue.importFile(sample('sample-payment-policy.csv'));
    expect(version).toMatchObject({ format: 'policy', rowCount: 7, entryCount: 15, basedOn: base.version.id, platformVer: '20260201' });
    for (const r of SAMPLE_ROWS) {
      expect(t.catalogue.index.get(r.entry.code)).toMatchObject(r.policy ?? { selfPayRatio: null, priceCapFen: null, overCapHandling: null });
    }
    expect(t.catalogue.index.get('XR06AXL001A001010100555')).toMatchObject({ priceCapFen: 1200, overCapHandling: 'refuse' });
  });

  it('a new catalogue file keeps the payment policy in force (the 1301 file carries none)', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-payment-policy.csv'));
    await t.catalogue.importFile(sample('sample-workbook.xlsx'));
    expect(t.catalogue.index.get('XC10AAA058A001010100123')).toMatchObject({ selfPayRatio: 1000, priceCapFen: 3000, overCapHandling: 'self-pay-excess' });
  });

  it('the item mapping: barcodes and local codes resolve to national codes', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    const { version, warnings } = await t.catalogue.importFile(sample('sample-item-mapping.csv'));
    expect(version).toMatchObject({ kind: 'mapping', rowCount: 7 });
    expect(warnings).toEqual([]);
    const index = t.catalogue.index;
    expect(index.resolve({ barcode: '6901234567892' })).toBe('XN02BEA011A001010100201');
    expect(index.resolve({ localCode: 'L0003' })).toBe(byCode('XC10AAA058A001010100123').entry.code);
    expect(index.resolve({ barcode: '0000000000000' })).toBeUndefined();
    // The catalogue stays the one imported before.
    expect(index.version?.format).toBe('1301');
  });

  it('a mapping to codes the catalogue does not list imports with a warning', async () => {
    await t.catalogue.importFile(sample('sample-1301.zip'));
    const file = t.file('map.csv', 'local_code,barcode,med_list_codg,local_name\nL9,,XZ99ZZZ999Z999999999999,unknown\n');
    const { warnings } = await t.catalogue.importFile(file);
    expect(warnings[0]).toMatch(/1 mapped item.*XZ99ZZZ999Z999999999999/);
  });

  it('mapping headers may be the Chinese names, in any order', async () => {
    const file = t.file('对照.csv', '医保目录编码,条形码,本地编码\nXN02BEA011A001010100201,6901234567892,A1\n');
    await t.catalogue.importFile(file);
    expect(t.catalogue.index.resolve({ localCode: 'A1' })).toBe('XN02BEA011A001010100201');
  });

  it('round-trips a written 1301 line', async () => {
    const e = byCode('XA02BCA211E001010100777').entry;
    await t.catalogue.importFile(t.file('one.txt', format1301Line(e) + '\n'));
    expect(t.catalogue.index.get(e.code)).toEqual(e);
  });
});

