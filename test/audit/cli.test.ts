import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runAuditCommand, splitAuditFlags } from '../../src/audit/cli.js';
import { loadConfig } from '../../src/config.js';
import { appendMany, openTrail, type TrailFixture } from './helpers.js';

/** Runs `checkout-guard audit <sub>` in process against the fixture's data folder; returns exit code and output. */
async function audit(f: TrailFixture, sub: string, argv: string[] = []): Promise<{ code: number; out: string }> {
  const { own, rest } = splitAuditFlags(argv);
  const config = loadConfig(rest, {}, { dataDir: f.dir, logLevel: 'silent' });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const code = await runAuditCommand(config, sub, own, sink);
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

describe('the audit CLI', () => {
  let f: TrailFixture;
  afterEach(async () => f?.close());

  it('keeps its own options apart from the service configuration', () => {
    expect(splitAuditFlags(['--from', '2026-05-01', '--data-dir', '/x', '--json', '--out=a.csv', '--port', '9'])).toEqual({
      own: { from: '2026-05-01', json: 'true', out: 'a.csv' },
      rest: ['--data-dir', '/x', '--port', '9'],
    });
  });

  it('verifies, and exits 1 naming the first broken record', async () => {
    f = openTrail();
    await appendMany(f.trail, 12);
    const ok = await audit(f, 'verify');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK: 12 live records recomputed \(sm3\)/);
    const db = new Database(f.store.file);
    db.exec('DROP TRIGGER audit_decisions_no_delete');
    db.prepare('DELETE FROM audit_decisions WHERE seq = 4').run();
    db.close();
    const broken = await audit(f, 'verify', ['--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out).firstBroken).toMatchObject({ seq: 4, problem: 'missing' });
  });

  it('exports a date range to a file, and signs a checkpoint an auditor can check the chain against later', async () => {
    f = openTrail();
    const records = await appendMany(f.trail, 5);
    const day = records[0]!.at.slice(0, 10);
    const csv = path.join(f.dir, 'out.csv');
    expect((await audit(f, 'export', ['--from', day, '--to', day, '--out', csv])).code).toBe(0);
    expect(readFileSync(csv, 'utf8').trim().split('\r\n')).toHaveLength(6);
    const jsonl = await audit(f, 'export', ['--format', 'jsonl', '--to', '2001-01-01']);
    expect(jsonl.out).toBe('');

    const cpFile = path.join(f.dir, 'checkpoint.json');
    expect((await audit(f, 'checkpoint', ['--out', cpFile])).code).toBe(0);
    const saved = JSON.parse(readFileSync(cpFile, 'utf8'));
    expect(saved.checkpoint.seq).toBe(5);
    const keyFile = path.join(f.dir, 'key.pem');
    writeFileSync(keyFile, (await audit(f, 'public-key')).out);
    const against = await audit(f, 'verify', ['--checkpoint', cpFile, '--public-key', keyFile]);
    expect(against.code).toBe(0);
    expect(against.out).toContain('your checkpoint at record 5: signature valid, matches the chain');
  });

  it('archives on demand and verifies the archive file', async () => {
    f = openTrail();
    await appendMany(f.trail, 4);
    expect((await audit(f, 'archive', ['--older-than', '30'])).out).toContain('nothing older than 30 days');
    expect((await audit(f, 'archive', ['--older-than', 'x'])).code).toBe(2);
    const runs = await f.trail.archive(1, Date.now() + 2 * 86_400_000);
    const file = path.join(f.trail.archiveDir, runs[0]!.file);
    expect(existsSync(file)).toBe(true);
    const check = await audit(f, 'verify', ['--archive', file]);
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/records 1\.\.4 \(4\), checkpoint signed .* verifies, matches the register/);
  });

  it('says what is wrong with a bad option', async () => {
    f = openTrail();
    expect((await audit(f, 'export', ['--format', 'xml'])).code).toBe(2);
    expect((await audit(f, 'frobnicate')).code).toBe(2);
  });
});
