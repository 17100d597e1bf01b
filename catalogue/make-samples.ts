/**
 * Writes the sample files in every format from sample-rows.ts:
 *   npx tsx catalogue/make-samples.ts
 * sample-1301.zip (the platform download), sample-workbook.xlsx and sample-workbook.csv (the
 * provincial workbook), sample-payment-policy.csv (caps and self-pay ratios),
 * sample-item-mapping.csv (the pharmacy's own items).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { format1301Line } from '../src/catalogue/formats/nhsa-1301.js';
import { OVER_CAP_WAYS } from '../src/catalogue/formats/payment-policy.js';
import { WORKBOOK_GROUP, WORKBOOK_HEADERS, WORKBOOK_SHEET, workbookHeaderRows, workbookRow } from '../src/catalogue/formats/workbook.js';
import { zipOneFile } from '../src/catalogue/io/zip.js';
import { formatRatio, formatYuan } from '../src/money.js';
import { SAMPLE_ROWS, VER_1, VER_2, type SampleRow } from './sample-rows.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The 1301 text of some sample rows, as the platform writes it (LF, trailing newline). */
export function sample1301Text(rows: SampleRow[] = SAMPLE_ROWS): string {
  return rows.map((r, i) => format1301Line(r.entry, { rid: `R${String(i + 1).padStart(9, '0')}`, verName: r.entry.listVersion === VER_2.ver ? VER_2.name : VER_1.name }) + '\n').join('');
}

export function csvLine(cells: (string | number | null)[]): string {
  return cells.map((c) => {
    const s = c === null ? '' : String(c);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',') + '\r\n';
}

export function samplePolicyCsv(rows: SampleRow[] = SAMPLE_ROWS): string {
  const way = (h: string | null) => (Object.entries(OVER_CAP_WAYS).find(([, v]) => v === h)?.[0] ?? '');
  return csvLine(['hilist_code', 'hilist_name', 'selfpay_prop', 'hilist_pric_uplmt_amt', 'overlmt_dspo_way', 'selfpay_prop_psn_type'])
    + rows.filter((r) => r.policy).map((r) => csvLine([
      r.entry.code, r.entry.name,
      r.policy!.selfPayRatio === null ? '' : formatRatio(r.policy!.selfPayRatio),
      r.policy!.priceCapFen === null ? '' : formatYuan(r.policy!.priceCapFen),
      way(r.policy!.overCapHandling),
      '',
    ]) + Object.entries(r.personRatios ?? {}).map(([type, ratio]) => csvLine([r.entry.code, r.entry.name, formatRatio(ratio), '', '', type])).join('')).join('');
}

export function sampleMappingCsv(rows: SampleRow[] = SAMPLE_ROWS): string {
  const items = rows.flatMap((r) => (r.items ?? []).map((it) => ({ ...it, code: r.entry.code }))).sort((a, b) => a.localCode.localeCompare(b.localCode));
  return csvLine(['local_code', 'barcode', 'med_list_codg', 'local_name']) + items.map((it) => csvLine([it.localCode, it.barcode, it.code, it.localName])).join('');
}

/** The workbook as a CSV export: one flattened header row (the list's 剂型 repeats). */
export function sampleWorkbookCsv(rows: SampleRow[] = SAMPLE_ROWS): string {
  return csvLine([...WORKBOOK_HEADERS, '甲乙类', '编号', '药品名称', '剂型', '备注']) + rows.map((r) => csvLine(workbookRow(r.entry, r.pack, r.listNo))).join('');
}

/** The workbook as the province publishes it: sheet 总表, a two-row header with 国家医保药品目录 merged over five columns. */
export async function writeSampleWorkbook(file: string, rows: SampleRow[] = SAMPLE_ROWS): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = new Date('2026-01-01T00:00:00Z');
  wb.modified = wb.created;
  wb.addWorksheet('说明').addRow(['医保药品分类与代码数据库', '数据来源：省医疗保障局']);
  const ws = wb.addWorksheet(WORKBOOK_SHEET);
  const [top, sub] = workbookHeaderRows();
  ws.addRow(top);
  ws.addRow(sub);
  WORKBOOK_HEADERS.forEach((_, i) => ws.mergeCells(1, i + 1, 2, i + 1));
  ws.mergeCells(1, WORKBOOK_HEADERS.length + 1, 1, WORKBOOK_HEADERS.length + 5);
  ws.getCell(1, WORKBOOK_HEADERS.length + 1).value = WORKBOOK_GROUP;
  for (const r of rows) {
    const cells: (string | number)[] = workbookRow(r.entry, r.pack, r.listNo);
    cells[8] = r.pack.count;
    ws.addRow(cells);
  }
  await wb.xlsx.writeFile(file);
}

async function main(): Promise<void> {
  writeFileSync(path.join(here, 'sample-1301.zip'), zipOneFile('1301_20260201.txt', Buffer.from(sample1301Text())));
  writeFileSync(path.join(here, 'sample-payment-policy.csv'), samplePolicyCsv());
  writeFileSync(path.join(here, 'sample-item-mapping.csv'), sampleMappingCsv());
  writeFileSync(path.join(here, 'sample-workbook.csv'), '\ufeff' + sampleWorkbookCsv());
  await writeSampleWorkbook(path.join(here, 'sample-workbook.xlsx'));
  console.log(`wrote ${SAMPLE_ROWS.length} rows to each sample in ${path.relative(process.cwd(), here) || '.'}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
