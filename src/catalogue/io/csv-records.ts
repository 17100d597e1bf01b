import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { ImportError } from '../import-error.js';
import { utf8Lines } from './text-lines.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/**
 * CSV records from a UTF-8 byte stream (quoted fields, embedded newlines, BOM and CRLF
 * tolerated), each with the line it starts on.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<CsvRecord> {
  async function* text(): AsyncGenerator<string> {
    for await (const batch of utf8Lines(chunks, file)) yield batch.lines.join('\n') + '\n';
  }
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, info: true });
  const records = pipeline(Readable.from(text()), parser, () => {});
  try {
    for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: { lines: number; raw?: string } }>) {
      // info.lines is where the record ends; a record with embedded newlines started earlier.
      let newlines = 0;
      for (const f of record) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) newlines++;
      yield { fields: record, line: info.lines - newlines };
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const e = err as Error & { lines?: number };
    throw new ImportError(file, e.lines ? { line: e.lines } : null, null, `not valid CSV: ${e.message.replace(/^Invalid [^:]*: /, '')}`);
  } finally {
    parser.destroy();
  }
}
