import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { ImportError, type ProgressFn } from '../import-error.js';
import { readZipDirectory } from './zip.js';

export interface SheetRow {
  /** 1-based worksheet row number, as Excel shows it. */
  row: number;
  /** Cell texts by 0-based column. */
  cells: string[];
}

/**
 * Streams the rows of one worksheet of an XLSX workbook as text. The archive's directory is
 * checked first, so a truncated upload fails cleanly instead of half-way through the sheet.
 */
export async function* xlsxRows(file: string, sheet: string, onProgress?: ProgressFn): AsyncGenerator<SheetRow> {
  const entries = await readZipDirectory(file);
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw new ImportError(file, null, null, 'not an XLSX workbook (no xl/workbook.xml in the archive)');
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const total = entries.reduce((n, e) => n + e.compressedSize, 0);
  let done = 0;
  input.on('data', (c) => {
    done += c.length;
    onProgress?.(Math.min(done, total), total);
  });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const seen: string[] = [];
  let found = false;
  try {
    for await (const ws of reader) {
      const name = (ws as unknown as { name: string }).name;
      seen.push(name);
      const wanted = name.trim() === sheet;
      for await (const row of ws as unknown as AsyncIterable<ExcelJS.Row>) {
        if (!wanted) continue;
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { row: row.number, cells };
      }
      if (wanted) found = true;
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError(file, null, null, `unreadable XLSX workbook: ${(err as Error).message}`);
  } finally {
    input.destroy();
  }
  if (!found) throw new ImportError(file, null, null, `no worksheet named ${sheet} (found: ${seen.join(', ') || 'none'})`);
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error) return '';
  }
  return String(v);
}
