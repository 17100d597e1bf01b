import { on } from 'node:events';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StringTable } from './compact.js';
import type { CatalogueEntry } from './entry.js';
import { ImportError, type Position, type ProgressFn } from './import-error.js';
import { readZipDirectory } from './io/zip.js';
import { compareVer, read1301, type FileMeta, type RowBatch } from './readers.js';

/** Below this much text a worker's start-up costs more than it saves. */
export const PARALLEL_BYTES = 16 << 20;

export interface WorkerJob {
  file: string;
  format: '1301-zip' | '1301-text';
  /** Batches the worker may post before the main thread asks for more. */
  ahead: number;
}

export type WorkerMessage =
  | { type: 'batch'; rows: CatalogueEntry[]; at: number[] }
  | { type: 'progress'; done: number; total: number }
  | { type: 'end'; meta: FileMeta }
  | { type: 'fail'; error: { file: string; position: Position; column: string | null; problem: string } | { message: string } };

/**
 * A 1301 file's rows. A national-size file is parsed on a worker thread while this thread
 * writes what arrives (parsing and SQLite writes each take seconds: overlapped, the import
 * takes about as long as the longer of the two); a small one is parsed here. Entries that
 * cross the thread boundary are fresh copies, so only the repeated long strings are shared.
 */
export async function* read1301Auto(file: string, format: '1301-zip' | '1301-text', meta: FileMeta, strings: StringTable, parallelBytes: number, onProgress?: ProgressFn): AsyncGenerator<RowBatch<CatalogueEntry>> {
  const size = format === '1301-zip' ? (await readZipDirectory(file)).reduce((n, e) => Math.max(n, e.size), 0) : (await stat(file)).size;
  if (size < parallelBytes) {
    yield* read1301(file, format, meta, strings, onProgress);
    return;
  }
  const here = fileURLToPath(import.meta.url);
  const entry = new URL(`./parse-worker${path.extname(here)}`, import.meta.url).href;
  // The service runs TypeScript through tsx; a worker does not inherit its loader, so it registers it.
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, {
    eval: true,
    workerData: { file, format, ahead: 4 } satisfies WorkerJob,
  });
  try {
    for await (const [m] of on(worker, 'message') as AsyncIterable<[WorkerMessage]>) {
      switch (m.type) {
        case 'progress':
          onProgress?.(m.done, m.total);
          break;
        case 'batch':
          worker.postMessage('more');
          for (const e of m.rows) {
            e.manufacturer = strings.intern(e.manufacturer);
            e.restrictedScope = strings.intern(e.restrictedScope);
            e.name = strings.intern(e.name)!;
          }
          yield { rows: m.rows, at: m.at };
          break;
        case 'end':
          meta.rows += m.meta.rows;
          if (m.meta.platformVer !== null && (meta.platformVer === null || compareVer(m.meta.platformVer, meta.platformVer) > 0)) {
            meta.platformVer = m.meta.platformVer;
            meta.label = m.meta.label;
          }
          return;
        case 'fail':
          if ('problem' in m.error) throw new ImportError(m.error.file, m.error.position, m.error.column, m.error.problem);
          throw new Error(m.error.message);
      }
    }
  } finally {
    await worker.terminate();
  }
}
