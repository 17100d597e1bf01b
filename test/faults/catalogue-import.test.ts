import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { format1301Line } from '../../src/catalogue/formats/nhsa-1301.js';
import { integrityCheck, runCli, spawnCli, startService } from './service-process.js';

/**
 * `catalogue import` killed with SIGKILL part-way through a large file, at points set by a
 * calibration import of the same file (so they land inside the import on a fast or slow machine):
 * the previous version must stay active and whole, the database must pass SQLite's integrity
 * check, and the next import must succeed as if nothing had happened.
 */

const ROWS = Number(process.env['CATALOGUE_KILL_ROWS'] ?? 60_000);
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

const walBytes = (dir: string) => {
  const wal = path.join(dir, 'checkout-guard.db-wal');
  return existsSync(wal) ? statSync(wal).size : 0;
};

/** Starts `catalogue import` of the big file; `writing()` resolves once its writes show in the WAL. */
function startImport(dir: string) {
  const walBefore = walBytes(dir);
  const child = spawnCli(['catalogue', 'import', bigFile], { dataDir: dir });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let finished = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    finished = true;
    resolve(code);
  }));
  const writing = async () => {
    const deadline = Date.now() + 120_000;
    while (!finished && walBytes(dir) <= walBefore + 64 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  return { child, exited, writing, finished: () => finished, output: () => output };
}

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

describe('catalogue import interrupted by kill -9', () => {
  let before: Awaited<ReturnType<typeof activeCatalogue>>;
  /** How long an uninterrupted import of the big file writes, on this machine today. */
  let writeMs = 0;

  beforeAll(async () => {
    await writeBigFile();
    // Calibrate the kill points on a scratch folder prepared the same way.
    const scratch = path.join(work, 'scratch');
    expect((await runCli(['catalogue', 'import', SAMPLE], { dataDir: scratch })).code).toBe(0);
    const calibration = startImport(scratch);
    await calibration.writing();
    const started = Date.now();
    expect(await calibration.exited, calibration.output()).toBe(0);
    writeMs = Date.now() - started;
    rmSync(scratch, { recursive: true, force: true });

    const first = await runCli(['catalogue', 'import', SAMPLE], { dataDir });
    expect(first.code, first.output).toBe(0);
    before = await activeCatalogue();
    expect(before).toMatchObject({ sample: 200, big: 404 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // Kill just after the import starts writing, half-way, and near the end of its writing time.
  for (const fraction of [0.05, 0.5, 0.8]) {
    it(`killed ${fraction * 100}% into its writing time: the previous version stays active and whole`, async () => {
      const run = startImport(dataDir);
      await run.writing();
      await new Promise((r) => setTimeout(r, writeMs * fraction));
      expect(run.finished(), `the import ended before it could be killed (writing took ${writeMs} ms when calibrated): ${run.output()}`).toBe(false);
      run.child.kill('SIGKILL');
      await run.exited;

      expect(integrityCheck(dataDir)).toBe('ok');
      const after = await activeCatalogue();
      if (after.version === before.version) {
        // Same version, same rows, the sample's codes found and none of the killed import's.
        expect(after).toEqual(before);
      } else {
        // Late kills can land after the activation commit but before the process exits (its
        // clean-up and pruning): then the new version must be the whole file, never a part.
        expect(fraction, 'a kill this early must never leave the new version active').toBeGreaterThanOrEqual(0.5);
        expect(after).toMatchObject({ rows: ROWS, sample: 404, big: 200 });
        before = after;
      }
    });
  }

  it('the next import runs to the end and becomes active', async () => {
    const done = await runCli(['catalogue', 'import', bigFile], { dataDir });
    expect(done.code, done.output).toBe(0);
    const now = await activeCatalogue();
    expect(now).toMatchObject({ rows: ROWS, big: 200, sample: 404 });
    expect(now.version).not.toEqual(before.version);
    expect(integrityCheck(dataDir)).toBe('ok');
  });
});
