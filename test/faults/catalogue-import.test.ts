import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { format1301Line } from '../../src/catalogue/formats/nhsa-1301.js';
import { runCli, spawnCli, startService } from './service-process.js';

/**
 * `catalogue import` killed with SIGKILL part-way through a large file, at several points:
 * the previous version must stay active and whole, the database must pass SQLite's integrity
 * check, and the next import must succeed as if nothing had happened.
 */

const ROWS = Number(process.env['CATALOGUE_KILL_ROWS'] ?? 40_000);
const work = mkdtempSync(path.join(tmpdir(), 'guard-catalogue-kill-'));
const dataDir = path.join(work, 'data');
const bigFile = path.join(work, 'big-1301.txt');
const SAMPLE = path.join(PROJECT_ROOT, 'catalogue', 'sample-1301.zip');
const base = SAMPLE_ROWS.filter((r) => r.entry.code.length === 23);
/** A code only the big file has, and one only the sample has. */
const bigCode = (i: number) => `${base[i % base.length]!.entry.code.slice(0, 14)}${String(i).padStart(9, '0')}`;
const sampleCode = base[0]!.entry.code;

/** Sample rows repeated under unique codes, in the 1301 text layout. */
async function writeBigFile(): Promise<void> {
  const out = createWriteStream(bigFile);
  for (let i = 0; i < ROWS; i++) {
    const row = base[i % base.length]!;
    if (!out.write(format1301Line({ ...row.entry, code: bigCode(i) }, { rid: `R${String(i + 1).padStart(9, '0')}` }) + '\n')) {
      await new Promise<void>((r) => out.once('drain', () => r()));
    }
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const walBytes = () => {
  const wal = path.join(dataDir, 'checkout-guard.db-wal');
  return existsSync(wal) ? statSync(wal).size : 0;
};

/** What the service itself reports as the active catalogue, and whether it finds a sample code and the big file's last code. */
async function activeCatalogue(): Promise<{ version: unknown; rows: number; sample: number; big: number }> {
  const service = await startService({ dataDir });
  try {
    const health = await service.request('GET', '/health');
    const lookup = async (code: string) => (await service.request('GET', `/v1/catalogue/items/${code}`, { role: 'cashier' })).status;
    return { version: health.body.catalogue.version, rows: health.body.catalogue.rows, sample: await lookup(sampleCode), big: await lookup(bigCode(ROWS - 1)) };
  } finally {
    await service.cleanup();
  }
}

function integrity(): string {
  const db = new Database(path.join(dataDir, 'checkout-guard.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('catalogue import interrupted by kill -9', () => {
  let before: Awaited<ReturnType<typeof activeCatalogue>>;

  beforeAll(async () => {
    await writeBigFile();
    const first = await runCli(['catalogue', 'import', SAMPLE], { dataDir });
    expect(first.code, first.output).toBe(0);
    before = await activeCatalogue();
    expect(before).toMatchObject({ sample: 200, big: 404 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // Kill soon after the import starts writing, then later and later into it.
  for (const afterMs of [0, 400, 1500]) {
    it(`killed ${afterMs} ms after it starts writing: the previous version stays active and whole`, async () => {
      const walBefore = walBytes();
      const child = spawnCli(['catalogue', 'import', bigFile], { dataDir });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let finished = false;
      void exited.then(() => (finished = true));
      const deadline = Date.now() + 60_000;
      while (!finished && walBytes() <= walBefore + 64 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, afterMs));
      expect(finished, `the import ended before it could be killed (raise CATALOGUE_KILL_ROWS): ${output}`).toBe(false);
      child.kill('SIGKILL');
      await exited;

      expect(integrity()).toBe('ok');
      // Same version, same rows, the sample's codes found and none of the killed import's.
      expect(await activeCatalogue()).toEqual(before);
    });
  }

  it('the next import runs to the end and becomes active', async () => {
    const done = await runCli(['catalogue', 'import', bigFile], { dataDir });
    expect(done.code, done.output).toBe(0);
    const now = await activeCatalogue();
    expect(now).toMatchObject({ rows: ROWS, big: 200, sample: 404 });
    expect(now.version).not.toEqual(before.version);
    expect(integrity()).toBe('ok');
  });
});
