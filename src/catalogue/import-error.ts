import path from 'node:path';

/** Where in a file a problem sits: a text line (TSV, CSV) or a worksheet row (XLSX). */
export type Position = { line: number } | { row: number; sheet?: string } | null;

/**
 * A file that cannot be imported, with the place to fix it: file, line or row, column.
 * Raised before anything is activated, so a bad file changes nothing.
 */
export class ImportError extends Error {
  override name = 'ImportError';
  readonly file: string;

  constructor(file: string, readonly position: Position, readonly column: string | null, readonly problem: string) {
    const where = position === null ? '' : 'line' in position ? `:${position.line}` : ` ${position.sheet ? `${position.sheet}!` : ''}row ${position.row}`;
    super(`${path.basename(file)}${where}${column ? ` [${column}]` : ''}: ${problem}`);
    this.file = path.basename(file);
  }

  /** The fields an HTTP answer or a log line carries. */
  detail(): Record<string, unknown> {
    const out: Record<string, unknown> = { file: this.file };
    if (this.position && 'line' in this.position) out['line'] = this.position.line;
    if (this.position && 'row' in this.position) {
      out['row'] = this.position.row;
      if (this.position.sheet) out['sheet'] = this.position.sheet;
    }
    if (this.column) out['column'] = this.column;
    out['problem'] = this.problem;
    return out;
  }
}

/** A problem in one field, raised by the row parsers; the reader adds the file and position. */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(readonly column: string, readonly problem: string) {
    super(`${column}: ${problem}`);
  }
}

export function fieldError(column: string, problem: string): never {
  throw new FieldError(column, problem);
}

/** Reports bytes consumed out of the file's size, for progress bars. */
export type ProgressFn = (done: number, total: number) => void;
