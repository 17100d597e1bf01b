import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataStore, WAL_SIZE_LIMIT_BYTES, type DataStore } from '../../src/db/database.js';

describe('the data store', () => {
  let dir: string;
  let store: DataStore | undefined;
  afterEach(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts a WAL grown by a large import back to the limit once it has been checkpointed', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'guard-db-'));
    store = openDataStore(dir);
    const { sqlite } = store;
    const wal = `${store.file}-wal`;
    sqlite.exec('CREATE TABLE bulk (b BLOB)');
    const insert = sqlite.prepare('INSERT INTO bulk VALUES (?)');
    const chunk = Buffer.alloc(1024 * 1024, 7);
    // One transaction larger than the limit, as a national catalogue import is.
    sqlite.transaction(() => {
      for (let i = 0; i < (WAL_SIZE_LIMIT_BYTES >> 20) + 8; i++) insert.run(chunk);
    })();
    expect(statSync(wal).size).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    sqlite.pragma('wal_checkpoint(PASSIVE)');
    sqlite.exec('DELETE FROM bulk');
    expect(statSync(wal).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
  });
});
