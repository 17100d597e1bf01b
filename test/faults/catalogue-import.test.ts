import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { format1301Line } from '../../src/catalogue/formats/nhsa-1301.js';
import { integrityCheck, runCli, spawnCli, startService } from './service-process.js';

/**
 * `catalogue import` killed with SIGKILL part-way through a large file, at points the import
 * itself reports (its progress lines on a non-terminal stderr), so they land inside the import
 * on a fast or a slow machine alike: the previous version must stay active and whole, the
 * database must pass SQLite's integrity check, and the next import must succeed as if nothing
 * had happened.
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

/** Starts `catalogue import` of the big file; `reached(p)` resolves once it reports p% of the file read. */
function startImport(dir: string) {
  const child = spawnCli(['catalogue', 'import', bigFile], { dataDir: dir });
  let output = '';
  let finished = false;
  const waiting: { percent: number; resolve: () => void }[] = [];
  const readSoFar = () => Math.max(0, ...[...output.matchAll(/: (\d+)% of [\d.]+ [KM]B read/g)].map((m) => Number(m[1])));
  const onOutput = (d: Buffer) => {
    output += d.toString();
    for (const w of waiting.filter((x) => readSoFar() >= x.percent)) w.resolve();
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    finished = true;
    waiting.forEach((w) => w.resolve());
    resolve(code);
  }));
  const reached = (percent: number) => new Promise<void>((resolve) => {
    if (finished || readSoFar() >= percent) resolve();
    else waiting.push({ percent, resolve });
  });
  return { child, exited, reached, finished: () => finished, output: () => output };
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

  beforeAll(async () => {
    await writeBigFile();
    const first = await runCli(['catalogue', 'import', SAMPLE], { dataDir });
    expect(first.code, first.output).toBe(0);
    before = await activeCatalogue();
    expect(before).toMatchObject({ sample: 200, big: 404 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // Kill early, half-way and late in reading the file: always before the new version can be
  // activated, which needs every row read and staged.
  for (const percent of [10, 50, 80]) {
    it(`killed with ${percent}% of the file read: the previous version stays active and whole`, async () => {
      const run = startImport(dataDir);
      await run.reached(percent);
      expect(run.finished(), `the import ended before it could be killed: ${run.output()}`).toBe(false);
      run.child.kill('SIGKILL');
      await run.exited;

      expect(integrityCheck(dataDir)).toBe('ok');
      expect(await activeCatalogue()).toEqual(before);
    });
  }

  it('the next import runs to the end and becomes active', async () => {
    const done = await runCli(['catalogue', 'import', bigFile], { dataDir });
    expect(done.code, done.output).toBe(0);
    expect(done.output).toMatch(/: 100% of [\d.]+ MB read/);
    const now = await activeCatalogue();
    expect(now).toMatchObject({ rows: ROWS, big: 200, sample: 404 });
    expect(now.version).not.toEqual(before.version);
    expect(integrityCheck(dataDir)).toBe('ok');
  });
});
