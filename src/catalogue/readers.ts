import path from 'node:path';
import type { CatalogueEntry } from './entry.js';
import { FieldError, ImportError, type Position, type ProgressFn } from './import-error.js';
import { csvRecords } from './io/csv-records.js';
import { fileChunks, fileHead } from './io/file-bytes.js';
import { utf8LineRanges, utf8Lines } from './io/text-lines.js';
import { xlsxRows } from './io/xlsx-rows.js';
import { readZipDirectory, zipEntryChunks } from './io/zip.js';
import { headerMatches } from './formats/csv-header.js';
import { MAPPING_HEADERS, MappingLayout, type MappingRow } from './formats/item-mapping.js';
import { COLUMNS_1301, COLUMNS_READ, parse1301Fields, UNIQUE_1301, type StringSink } from './formats/nhsa-1301.js';
import { ByteStrings, type Utf8Bytes } from './io/byte-strings.js';
import { POLICY_HEADERS, PolicyLayout, type PolicyRow } from './formats/payment-policy.js';
import { HEADER_SEARCH_ROWS, WORKBOOK_SHEET, WorkbookLayout } from './formats/workbook.js';

/** What a file is, decided from its name and first bytes. */
export type FileFormat = '1301-zip' | '1301-text' | 'workbook-xlsx' | 'workbook-csv' | 'policy' | 'mapping';

/** Rows parsed from a file with where each came from (line or row number). */
export interface RowBatch<T> {
  rows: T[];
  at: number[];
}

/** Facts a 1301 file states about itself, gathered while it is read. */
export interface FileMeta {
  /** ver_name of the rows. */
  label: string | null;
  /** Highest ver_num of the rows. */
  platformVer: string | null;
  /** Rows read so far. */
  rows: number;
}

/** Compares 1301 version numbers: digit strings by value, anything else as text. */
export function compareVer(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function detectFormat(file: string): Promise<FileFormat> {
  const head = await fileHead(file);
  const ext = path.extname(file).toLowerCase();
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) {
    if (ext === '.xlsx') return 'workbook-xlsx';
    const entries = await readZipDirectory(file);
    return entries.some((e) => e.name === 'xl/workbook.xml') ? 'workbook-xlsx' : '1301-zip';
  }
  const end = head.lastIndexOf(0x0a);
  const lines: string[] = [];
  for await (const batch of utf8Lines(toChunks(end >= 0 ? head.subarray(0, end) : head), file)) lines.push(...batch.lines);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  if (first === '') throw new ImportError(file, null, null, 'the file is empty');
  if (first.includes('\t') && /^[XZ][A-Z0-9]{19}/.test(first)) return '1301-text';
  const csvHeads = lines.slice(0, HEADER_SEARCH_ROWS).map((l) => l.split(','));
  if (csvHeads.some((cells) => cells.some((c) => c.replace(/["\s]/g, '') === '药品代码'))) return 'workbook-csv';
  const header = csvHeads[0]!.map((c) => c.replace(/"/g, ''));
  if (headerMatches(header, MAPPING_HEADERS)) return 'mapping';
  if (headerMatches(header, POLICY_HEADERS)) return 'policy';
  throw new ImportError(file, { line: 1 }, null, 'unrecognised file: expected a 1301 download (zip or tab-separated text), the 医保药品分类与代码数据库 workbook (XLSX or CSV), a payment-policy CSV or an item-mapping CSV (see catalogue/README.md)');
}

async function* toChunks(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

/** Turns a field problem into a file problem at the row's position. */
function located(file: string, position: Position, err: unknown): never {
  if (err instanceof FieldError) throw new ImportError(file, position, err.column, err.problem);
  throw err;
}

/** The 1301 download: the single text file in the zip, or the text itself. */
export async function* read1301(file: string, format: '1301-zip' | '1301-text', meta: FileMeta, onProgress?: ProgressFn): AsyncGenerator<RowBatch<CatalogueEntry>> {
  let chunks: AsyncIterable<Buffer>;
  if (format === '1301-zip') {
    const entries = (await readZipDirectory(file)).filter((e) => !e.name.endsWith('/') && !e.name.startsWith('__MACOSX/'));
    const texts = entries.length === 1 ? entries : entries.filter((e) => /\.txt$/i.test(e.name));
    if (texts.length !== 1) throw new ImportError(file, null, null, `expected one text file in the zip, found ${texts.length === 0 ? 'none' : texts.map((e) => e.name).join(', ')}`);
    chunks = zipEntryChunks(file, texts[0]!, onProgress);
  } else {
    chunks = fileChunks(file, onProgress);
  }
  const fields: (string | undefined)[] = new Array<string | undefined>(COLUMNS_1301.length + 1).fill(undefined);
  // Repeated fields come out of the byte cache already shared, unique ones fresh: nothing to intern or copy.
  const scanner = new LineScanner();
  for await (const { first, buf, starts, ends } of utf8LineRanges(chunks, file)) {
    const rows: CatalogueEntry[] = [];
    const at: number[] = [];
    scanner.use(buf);
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (blank(buf, s, e)) continue;
      let parsed;
      try {
        parsed = parse1301Fields(fields, undefined, scanner.fields(s, e, fields));
      } catch (err) {
        located(file, { line: first + i }, err);
      }
      const ver = parsed.entry.listVersion;
      if (ver && ver !== meta.platformVer && (meta.platformVer === null || compareVer(ver, meta.platformVer) > 0)) {
        meta.platformVer = ver;
        meta.label = parsed.verName ?? meta.label;
      }
      rows.push(parsed.entry);
      at.push(first + i);
    }
    meta.rows += rows.length;
    yield { rows, at };
  }
}

const READ_AT = COLUMNS_READ.map((c) => COLUMNS_1301.indexOf(c));
/** Per column: 0 not read, 1 read and unique per row (decoded as is), 2 read and repeated (decoded through the cache). */
const READ = new Uint8Array(COLUMNS_1301.length + 1);
for (const i of READ_AT) READ[i] = UNIQUE_1301.includes(COLUMNS_1301[i]!) ? 1 : 2;

/**
 * Decodes the fields of tab-separated lines that the parser reads straight from the bytes;
 * the others (most of a 92-column line) are never decoded. Repeated values come from one
 * byte-keyed cache per column; unique ones are decoded fresh (never slices of a larger string).
 */
class LineScanner {
  /** By column, for the repeated ones. */
  private readonly caches = Array.from(READ, (read) => (read === 2 ? new ByteStrings() : undefined));
  private bytes = Buffer.alloc(0) as Utf8Bytes;
  private view: DataView = new DataView(new ArrayBuffer(0));

  /** The buffer the next lines are in. */
  use(bytes: Buffer): void {
    this.bytes = bytes as Utf8Bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** Fills `f` (reused from line to line) from the line at [s, e) and returns its number of columns. */
  fields(s: number, e: number, f: (string | undefined)[]): number {
    const { bytes } = this;
    for (const i of READ_AT) f[i] = undefined;
    let col = 0;
    for (let p = s; ; p++) {
      const from = p;
      while (p < e && bytes[p] !== 9) p++;
      if (p > from) {
        const read = READ[col];
        if (read === 1) f[col] = bytes.utf8Slice(from, p);
        else if (read === 2) f[col] = this.caches[col]!.get(bytes, this.view, from, p);
      }
      col++;
      if (p >= e) return col;
    }
  }
}

function blank(buf: Buffer, s: number, e: number): boolean {
  for (let p = s; p < e; p++) if (buf[p]! > 32) return false;
  return true;
}

/** Table rows from either container, as text cells with their line (CSV) or row (XLSX). */
interface TableRow {
  cells: string[];
  at: number;
}

async function* tableRows(file: string, format: 'workbook-xlsx' | 'workbook-csv' | 'policy' | 'mapping', onProgress?: ProgressFn): AsyncGenerator<TableRow> {
  if (format === 'workbook-xlsx') {
    for await (const r of xlsxRows(file, WORKBOOK_SHEET, onProgress)) yield { cells: r.cells, at: r.row };
  } else {
    for await (const r of csvRecords(fileChunks(file, onProgress), file)) yield { cells: r.fields, at: r.line };
  }
}

const BATCH = 2000;

/** The provincial workbook, as XLSX (sheet 总表) or CSV. */
export async function* readWorkbook(file: string, format: 'workbook-xlsx' | 'workbook-csv', strings: StringSink, onProgress?: ProgressFn): AsyncGenerator<RowBatch<CatalogueEntry>> {
  const position = (at: number): Position => (format === 'workbook-xlsx' ? { row: at, sheet: WORKBOOK_SHEET } : { line: at });
  const head: TableRow[] = [];
  let layout: WorkbookLayout | undefined;
  let skip = 0;
  let batch: RowBatch<CatalogueEntry> = { rows: [], at: [] };
  for await (const row of tableRows(file, format, onProgress)) {
    if (!layout) {
      head.push(row);
      if (head.length < 2) continue;
      const found = head.findIndex((r, i) => i < head.length - 1 && WorkbookLayout.detect(r.cells, head[i + 1]!.cells));
      if (found < 0) {
        if (head.length > HEADER_SEARCH_ROWS) throw new ImportError(file, position(head[0]!.at), '药品代码', `no header row with 药品代码 in the first ${HEADER_SEARCH_ROWS} rows`);
        continue;
      }
      layout = WorkbookLayout.detect(head[found]!.cells, head[found + 1]!.cells)!;
      const missing = layout.missing();
      if (missing.length > 0) throw new ImportError(file, position(head[found]!.at), missing[0]!, `header missing: ${missing.join(', ')}`);
      skip = found + layout.headerRows;
      for (const r of head.slice(skip)) add(r);
      continue;
    }
    add(row);
    if (batch.rows.length >= BATCH) {
      yield batch;
      batch = { rows: [], at: [] };
    }
  }
  if (!layout) throw new ImportError(file, null, '药品代码', 'no header row with 药品代码');
  yield batch;

  function add(r: TableRow): void {
    if (r.cells.every((c) => c.trim() === '')) return;
    try {
      batch.rows.push(layout!.parse(r.cells, strings));
      batch.at.push(r.at);
    } catch (err) {
      located(file, position(r.at), err);
    }
  }
}

/** A headed CSV (policy or mapping): the first record is the header. */
async function* headedCsv<L, T>(file: string, format: 'policy' | 'mapping', layoutOf: (header: string[]) => L, parse: (layout: L, cells: string[]) => T, onProgress?: ProgressFn): AsyncGenerator<{ value: T; line: number }> {
  let layout: L | undefined;
  for await (const r of tableRows(file, format, onProgress)) {
    try {
      if (layout === undefined) {
        layout = layoutOf(r.cells);
        continue;
      }
      if (r.cells.every((c) => c.trim() === '')) continue;
      yield { value: parse(layout, r.cells), line: r.at };
    } catch (err) {
      located(file, { line: r.at }, err);
    }
  }
}

export function readPolicy(file: string, onProgress?: ProgressFn): AsyncGenerator<{ value: PolicyRow; line: number }> {
  return headedCsv(file, 'policy', PolicyLayout.fromHeader, (l, cells) => l.parse(cells), onProgress);
}

export function readMapping(file: string, onProgress?: ProgressFn): AsyncGenerator<{ value: MappingRow; line: number }> {
  return headedCsv(file, 'mapping', MappingLayout.fromHeader, (l, cells) => l.parse(cells), onProgress);
}
