import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { INSERT_ENTRY, RowUnpacker, type PackedRows } from './row-pack.js';

// The staging writer's worker thread; staging-writer.ts is the side that feeds it.

/**
 * What the worker starts with. It loads only what it needs (the rows of a national file pile
 * up while it starts), so its connection takes the settings of the connection that started
 * the import (foreign keys, busy timeout) from here instead of loading the database module,
 * and the ORM with it, to make them: that took a quarter of a second more to start.
 */
export interface WorkerInput {
  file: string;
  versionId: number;
  rowsPerCommit: number;
  foreignKeys: boolean;
  busyTimeout: number;
}

export type ToWorker = { rows: PackedRows } | { finish: true } | { close: true };
export type FromWorker = { ready: true } | { written: number } | { finished: true } | { closed: true } | { failed: { message: string; code?: string } } | { fatal: string };

/**
 * Its own connection; staged rows committed every `rowsPerCommit` rows without fsync or
 * automatic checkpoint (staging rows are discarded after a crash anyway). At the end it
 * checkpoints the WAL it grew, so that the copy into the database happens here rather than in
 * the activating commit on the service's thread.
 */
export function serveStaging(input: WorkerInput, port: MessagePort): void {
  const sqlite = new Database(input.file);
  sqlite.pragma(`foreign_keys = ${input.foreignKeys ? 'ON' : 'OFF'}`);
  sqlite.pragma(`busy_timeout = ${Math.trunc(input.busyTimeout)}`);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  const insert = sqlite.prepare(INSERT_ENTRY);
  const unpacker = new RowUnpacker(input.versionId);
  let open = 0;
  let done = false;
  const end = () => {
    done = true;
    sqlite.close();
  };
  port.on('message', (m: ToWorker) => {
    if (done) return;
    try {
      if ('rows' in m) {
        if (!sqlite.inTransaction) sqlite.exec('BEGIN IMMEDIATE');
        unpacker.each(m.rows, (params) => insert.run(params));
        open += m.rows.count;
        if (open >= input.rowsPerCommit) {
          sqlite.exec('COMMIT');
          open = 0;
        }
        port.postMessage({ written: m.rows.count } satisfies FromWorker);
      } else if ('finish' in m) {
        if (sqlite.inTransaction) sqlite.exec('COMMIT');
        sqlite.pragma('wal_checkpoint(PASSIVE)');
        end();
        port.postMessage({ finished: true } satisfies FromWorker);
      } else {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        end();
        port.postMessage({ closed: true } satisfies FromWorker);
      }
    } catch (err) {
      const e = err as Error & { code?: unknown };
      try {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        end();
      } catch {
        // The connection is beyond use; the failure below is what matters.
      }
      port.postMessage({ failed: { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } } satisfies FromWorker);
    }
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}
