import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample1301Text, sampleMappingCsv, sampleWorkbookCsv } from '../../catalogue/make-samples.js';
import { COLUMNS_1301 } from '../../src/catalogue/formats/nhsa-1301.js';
import { expectRejected, sample, tempCatalogue, type TempCatalogue } from './helpers.js';

let t: TempCatalogue;
beforeEach(async () => {
  t = tempCatalogue();
  // Every bad file meets an existing catalogue and mapping, which must stay as they are.
  await t.catalogue.importFile(sample('sample-1301.zip'));
  await t.catalogue.importFile(sample('sample-payment-policy.csv'));
  await t.catalogue.importFile(sample('sample-item-mapping.csv'));
});
afterEach(() => t.close());

const lines = () => sample1301Text().trim().split('\n');
const col = (name: (typeof COLUMNS_1301)[number]) => COLUMNS_1301.indexOf(name);
/** The sample text with one field of one line replaced. */
function with1301Field(line: number, name: (typeof COLUMNS_1301)[number], value: string): string {
  const all = lines();
  const f = all[line - 1]!.split('\t');
  f[col(name)] = value;
  all[line - 1] = f.join('\t');
  return all.join('\n') + '\n';
}

describe('bad 1301 files change nothing and say where the problem is', () => {
  it('wrong columns: a line too short for the 1301 layout (the old 23-column custom file)', async () => {
    const all = lines();
    all[6] = all[6]!.split('\t').slice(0, 23).join('\t');
    await expectRejected(t, t.zip('short.zip', all.join('\n')), { file: 'short.zip', line: 7, column: 'column 24' }, /expected at least 92 tab-separated columns, found 23/);
  });

  it('a bad date names line and column', async () => {
    await expectRejected(t, t.zip('date.zip', with1301Field(4, 'begndate', '2025-02-30')), { line: 4, column: 'begndate (column 37)' }, /not a date: "2025-02-30"/);
    await expectRejected(t, t.zip('date2.zip', with1301Field(2, 'enddate', '31/12/2024')), { line: 2, column: 'enddate (column 38)' }, /not a date/);
    await expectRejected(t, t.zip('date3.zip', with1301Field(5, 'enddate', '2019-01-01')), { line: 5, column: 'enddate (column 38)' }, /ends \(2019-01-01\) before it begins \(2020-01-01\)/);
  });

  it('a duplicate code names both lines', async () => {
    const all = lines();
    all.push(all[3]!);
    await expectRejected(t, t.zip('dup.zip', all.join('\n')), { line: 16, column: 'med_list_codg (column 1)' }, /duplicate code XN02BEA011A001010100201 \(first at line 4\)/);
  });

  it('a code that is not a national drug code, an unknown class, a bad flag', async () => {
    await expectRejected(t, t.zip('code.zip', with1301Field(3, 'med_list_codg', 'ABC123')), { line: 3, column: 'med_list_codg (column 1)' }, /not a national drug code: "ABC123"/);
    await expectRejected(t, t.zip('class.zip', with1301Field(8, 'nat_hi_druglist_chrgitm_lv', '丁类')), { line: 8, column: 'nat_hi_druglist_chrgitm_lv (column 92)' }, /unknown class "丁类"/);
    await expectRejected(t, t.zip('flag.zip', with1301Field(9, 'vali_flag', 'Y')), { line: 9, column: 'vali_flag (column 79)' }, /expected 0 or 1, found "Y"/);
  });

  it('a truncated zip (a download cut short)', async () => {
    const whole = readFileSync(sample('sample-1301.zip'));
    for (const keep of [whole.length - 1, Math.floor(whole.length / 2), 40, 3]) {
      const file = t.file(`cut-${keep}.zip`, whole.subarray(0, keep));
      const err = await t.catalogue.importFile(file, { format: '1301-zip' }).catch((e: Error) => e);
      expect((err as Error).name).toBe('ImportError');
      expect((err as Error).message).toMatch(/truncated|not a complete zip/);
    }
    await expectRejected(t, t.file('cut.zip', whole.subarray(0, whole.length - 10)), { file: 'cut.zip' }, /not a complete zip archive/);
  });

  it('a corrupt zip entry (bit flip in the compressed data) fails its CRC or inflate', async () => {
    const bytes = Buffer.from(readFileSync(sample('sample-1301.zip')));
    bytes[120] = bytes[120]! ^ 0x55;
    await expectRejected(t, t.file('flip.zip', bytes), { file: 'flip.zip', column: '1301_20260201.txt' }, /zip entry is corrupt/);
  });

  it('a zip with no text file or several', async () => {
    await expectRejected(t, t.zip('empty.zip', '', 'readme/'), { file: 'empty.zip' }, /expected one text file in the zip, found none/);
  });

  it('wrong encoding: a GBK file names the first line that is not UTF-8', async () => {
    const text = sample1301Text();
    const firstLines = text.split('\n').slice(0, 2).join('\n') + '\n';
    // Lines 1-2 in ASCII-only form stay valid UTF-8; line 3 onwards is GBK-encoded Chinese.
    const ascii = firstLines.replace(/[^\x00-\x7f]/g, 'x');
    const rest = text.split('\n').slice(2).join('\n');
    const encoded = Buffer.concat([Buffer.from(ascii), encodeGbk(rest)]);
    await expectRejected(t, t.zip('gbk.zip', encoded), { file: 'gbk.zip', line: 3 }, /not UTF-8 text \(it looks like GBK\/GB18030: save the file as UTF-8\)/);
  });

  it('an empty file and a file that is no catalogue at all', async () => {
    await expectRejected(t, t.zip('nothing.zip', ''), { file: 'nothing.zip' }, /holds no catalogue rows/);
    await expectRejected(t, t.file('notes.txt', 'hello\nworld\n'), { file: 'notes.txt', line: 1 }, /unrecognised file/);
  });
});

describe('bad workbooks, policies and mappings change nothing either', () => {
  it('a workbook CSV missing a column names the header', async () => {
    const csv = sampleWorkbookCsv().replace('药品企业', '生产厂家');
    await expectRejected(t, t.file('wb.csv', csv), { line: 1, column: '药品企业' }, /header missing: 药品企业/);
  });

  it('a workbook CSV with a bad class names line and column', async () => {
    const rows = sampleWorkbookCsv().split('\r\n');
    rows[5] = rows[5]!.replace(',甲,', ',甲乙,');
    await expectRejected(t, t.file('wb.csv', rows.join('\r\n')), { line: 6, column: '国家医保药品目录/甲乙类' }, /unknown class "甲乙"/);
  });

  it('a workbook XLSX without the sheet 总表', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['药品代码']);
    const file = `${t.dir}/wrong-sheet.xlsx`;
    await wb.xlsx.writeFile(file);
    await expectRejected(t, file, { file: 'wrong-sheet.xlsx' }, /no worksheet named 总表 \(found: Sheet1\)/);
  });

  it('a workbook XLSX row with a duplicate code names the worksheet row', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(sample('sample-workbook.xlsx'));
    const ws = wb.getWorksheet('总表')!;
    ws.getRow(9).getCell(1).value = ws.getRow(4).getCell(1).value;
    const file = `${t.dir}/dup.xlsx`;
    await wb.xlsx.writeFile(file);
    await expectRejected(t, file, { file: 'dup.xlsx', row: 9, sheet: '总表', column: '药品代码' }, /duplicate code XA01ABD075A002010100594 \(first at row 4\)/);
  });

  it('a truncated XLSX', async () => {
    const whole = readFileSync(sample('sample-workbook.xlsx'));
    await expectRejected(t, t.file('cut.xlsx', whole.subarray(0, whole.length - 100)), { file: 'cut.xlsx' }, /not a complete zip archive/);
  });

  it('a workbook CSV in GBK (Excel\'s default export) is refused at line 1', async () => {
    await expectRejected(t, t.file('gbk.csv', encodeGbk(sampleWorkbookCsv())), { file: 'gbk.csv', line: 1 }, /not UTF-8 text \(it looks like GBK/);
  });

  it('a policy for a code the catalogue does not list, a bad ratio, a duplicate', async () => {
    const head = 'hilist_code,selfpay_prop,hilist_pric_uplmt_amt,overlmt_dspo_way\n';
    await expectRejected(t, t.file('p1.csv', `${head}XZ99ZZZ999Z999999999999,0.1,,\n`), { line: 2, column: 'hilist_code' }, /not in the active catalogue/);
    await expectRejected(t, t.file('p2.csv', `${head}XC10AAA058A001010100123,1.5,,\n`), { line: 2, column: 'selfpay_prop' }, /not a proportion/);
    await expectRejected(t, t.file('p3.csv', `${head}XC10AAA058A001010100123,0.1,30,1\nXC10AAA058A001010100123,0.1,30,1\n`), { line: 3, column: 'hilist_code' }, /duplicate code .* \(first at line 2\)/);
    await expectRejected(t, t.file('p4.csv', `${head}XC10AAA058A001010100123,0.1,30.001,1\n`), { line: 2, column: 'hilist_pric_uplmt_amt' }, /not an amount/);
    await expectRejected(t, t.file('p5.csv', `${head}XC10AAA058A001010100123,0.1,30,9\n`), { line: 2, column: 'overlmt_dspo_way' }, /unknown handling "9"/);
  });

  it('a mapping with a duplicate barcode, a wrong check digit, a missing column', async () => {
    const rows = sampleMappingCsv().split('\r\n');
    const dupBarcode = [...rows.slice(0, -1), 'L0099,6901234567892,XN02BEA011A001010100201,again', ''].join('\r\n');
    await expectRejected(t, t.file('m1.csv', dupBarcode), { line: 9, column: 'barcode' }, /duplicate barcode 6901234567892 \(first at line 2\)/);
    await expectRejected(t, t.file('m2.csv', rows.join('\r\n').replace('6901234567892', '6901234567893')), { line: 2, column: 'barcode' }, /check digit wrong in 6901234567893 \(expected 2\)/);
    await expectRejected(t, t.file('m3.csv', 'local_code,med_list_codg\nL1,XN02BEA011A001010100201\n'), { line: 1, column: 'barcode' }, /header not found/, { format: 'mapping' });
    await expectRejected(t, t.file('m4.csv', 'local_code,barcode,med_list_codg\n,,XN02BEA011A001010100201\n'), { line: 2, column: 'local_code' }, /needs a local code or a barcode/);
  });

  it('an unterminated quote in a CSV', async () => {
    await expectRejected(t, t.file('q.csv', 'local_code,barcode,med_list_codg\nL1,"6901234567892,XN02BEA011A001010100201\n'), { file: 'q.csv' }, /not valid CSV/);
  });
});

describe('after a failed import', () => {
  it('leaves no staging rows and the next good import works', async () => {
    const all = lines();
    all.push(all[0]!);
    await expect(t.catalogue.importFile(t.zip('dup.zip', all.join('\n')))).rejects.toThrow(/duplicate/);
    expect(t.store.sqlite.prepare(`SELECT count(*) AS n FROM catalogue_versions WHERE status = 'staging'`).get()).toEqual({ n: 0 });
    const { version } = await t.catalogue.importFile(sample('sample-workbook.csv'));
    expect(version.active).toBe(true);
  });

  it('a crash mid-import leaves staging rows that the next start removes', async () => {
    const sqlite = t.store.sqlite;
    const { lastInsertRowid } = sqlite.prepare(`INSERT INTO catalogue_versions (kind, format, source, row_count, checksum, imported_at, status) VALUES ('catalogue', '1301', 'x', 0, '', '', 'staging')`).run();
    sqlite.prepare(`INSERT INTO catalogue_entries (version_id, code, name) VALUES (?, 'XN02BEA011A001010100201', 'x')`).run(lastInsertRowid);
    const before = t.catalogue.index.version?.id;
    const restarted = t.reopen();
    expect(restarted.index.version?.id).toBe(before);
    expect(sqlite.prepare('SELECT count(*) AS n FROM catalogue_entries WHERE version_id = ?').get(lastInsertRowid)).toEqual({ n: 0 });
    expect(sqlite.prepare('SELECT count(*) AS n FROM catalogue_versions WHERE id = ?').get(lastInsertRowid)).toEqual({ n: 0 });
  });
});

/** What Excel and older platform tools write in China: the service itself only ever decodes. */
function encodeGbk(text: string): Buffer {
  return iconv.encode(text, 'gbk');
}
