import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { PROJECT_ROOT } from '../config.js';

export type Db = BetterSQLite3Database;

export interface DataStore {
  /** The raw connection, for prepared statements on hot paths. */
  sqlite: Database.Database;
  db: Db;
  file: string;
  close(): void;
}

/** Opens (creating when needed) the service's SQLite file in WAL mode and applies pending migrations. */
export function openDataStore(dataDir: string, fileName = 'checkout-guard.db'): DataStore {
  const file = path.join(dataDir, fileName);
  let sqlite: Database.Database;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // SQLite alone says "unable to open database file"; the folder's own answer names the cause.
    accessSync(dataDir, constants.W_OK);
    sqlite = new Database(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'the file system is read-only' : code === 'EACCES' || code === 'EPERM' ? 'the folder is not writable' : code === 'ENOSPC' ? 'the disk is full' : (err as Error).message;
    throw new StorageError(`cannot open the data folder ${dataDir}: ${why} (set DATA_DIR to a writable folder)`, { cause: err });
  }
  sqlite.pragma('journal_mode = WAL');
  configureConnection(sqlite);
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: path.join(PROJECT_ROOT, 'drizzle') });
  return { sqlite, db, file, close: () => sqlite.close() };
}

/** Settings every connection to the file needs (they are per connection, not per file). */
export function configureConnection(sqlite: Database.Database): void {
  // FULL makes every acknowledged commit survive power loss, not only a process kill.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A catalogue import grows the WAL to over 100 MB; without a limit the file keeps that size
  // for good once checkpointed. With one, the next write after a checkpoint cuts it back.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
}

/** Well above the WAL of everyday work (auto-checkpoints at about 4 MB), so it is not cut back and regrown all day. */
export const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;

/** The data folder cannot be used: said in words an operator can act on, without a stack. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** SQLite's answers for a disk that is full, read-only or failing: the machine's fault, never the caller's. */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;

export function isStorageFault(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (STORAGE_CODES.test(code) || code === 'ENOSPC' || code === 'EROFS' || code === 'EACCES')) return true;
  }
  return false;
}
