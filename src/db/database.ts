import { mkdirSync } from 'node:fs';
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
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, fileName);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL makes every acknowledged commit survive power loss, not only a process kill.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: path.join(PROJECT_ROOT, 'drizzle') });
  return { sqlite, db, file, close: () => sqlite.close() };
}
