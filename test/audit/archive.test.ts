import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { appendMany, openTrail, precheckInput, type TrailFixture } from './helpers.js';

const DAY = 86_400_000;

describe('retention moves old records to archive files that still verify', () => {
  let f: TrailFixture;
  afterEach(async () => f?.close());

  /** 12 old records, then 8 younger ones; `now` puts the retention cutoff between them. */
  async function twoAges() {
    f = openTrail({ retentionDays: 30 });
    const old = await appendMany(f.trail, 12);
    await new Promise((r) => setTimeout(r, 5));
    const young = await appendMany(f.trail, 8);
    const now = Date.parse(young[0]!.at) + 30 * DAY;
    return { old, young, now };
  }

  it('archives the older prefix, keeps the live chain anchored to it, and the chain goes on', async () => {
    const { old, young, now } = await twoAges();
    const runs = await f.trail.archive(30, now);
    expect(runs).toEqual([{ file: 'audit-000000000001-000000000012.jsonl.gz', fromSeq: 1, upToSeq: 12, count: 12 }]);
    expect(f.trail.count()).toBe(8);
    const report = await f.trail.verify();
    expect(report).toMatchObject({ ok: true, count: 8, archived: { seq: 12, hash: old[11]!.hash }, head: { seq: 20, hash: young[7]!.hash } });
    const file = path.join(f.trail.archiveDir, runs[0]!.file);
    const check = await f.trail.verifyArchive(file);
    expect(check).toMatchObject({ ok: true, registered: true, count: 12, last: { seq: 12, hash: old[11]!.hash } });
    expect(check.checkpoint).toMatchObject({ seq: 12, signatureValid: true, matches: true });
    // Against the auditor's own copy of the public key.
    const external = await f.trail.verifyArchive(file, f.trail.keys.publicKeyPem());
    expect(external.ok).toBe(true);
    const next = await f.trail.append(precheckInput());
    expect(next.seq).toBe(21);
    expect((await f.trail.verify()).ok).toBe(true);
    // Nothing younger than the cutoff moves, and a second run finds nothing to do.
    expect(await f.trail.archive(30, now)).toEqual([]);
  });

  it('lets the database delete only archived records', async () => {
    const { now } = await twoAges();
    await f.trail.archive(30, now);
    const db = new Database(f.store.file);
    expect(() => db.prepare('DELETE FROM audit_decisions WHERE seq = 13').run()).toThrow(/DELETE refused/);
    expect(() => db.prepare('DELETE FROM audit_archives').run()).toThrow(/append-only/);
    db.close();
  });

  it('refuses to start the chain over once everything live was archived', async () => {
    const { young } = await twoAges();
    const last = young.at(-1)!;
    await f.trail.archive(30, Date.parse(last.at) + 31 * DAY);
    expect(f.trail.count()).toBe(0);
    const db = new Database(f.store.file);
    const insert = db.prepare("INSERT INTO audit_decisions (seq, id, at, kind, outcome, reason_codes, body, alg, prev_hash, hash) VALUES (?, ?, 'x', 'pin', 'ok', '', '{}', 'sm3', ?, 'h')");
    expect(() => insert.run(1, 'restart', '0'.repeat(64))).toThrow(/must extend the chain head/);
    expect(() => insert.run(20, 'again', last.prevHash)).toThrow(/must extend the chain head/);
    db.close();
    const next = await f.trail.append(precheckInput());
    expect(next).toMatchObject({ seq: 21, prevHash: last.hash });
    expect((await f.trail.verify())).toMatchObject({ ok: true, count: 1, archived: { seq: 20 } });
  });

  it('finds a record changed inside an archive file', async () => {
    const { now } = await twoAges();
    const [run] = await f.trail.archive(30, now);
    const file = path.join(f.trail.archiveDir, run!.file);
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    const lines = text.split('\n');
    lines[5] = lines[5]!.replace('"cashierId":"cashier-07"', '"cashierId":"cashier-99"');
    writeFileSync(file, gzipSync(lines.join('\n')));
    const check = await f.trail.verifyArchive(file);
    expect(check.ok).toBe(false);
    expect(check.broken).toMatchObject({ seq: 5, problem: 'altered' });
  });

  it('finds an archive file that was swapped for another with a valid chain but a different end', async () => {
    const { now } = await twoAges();
    const [run] = await f.trail.archive(30, now);
    const file = path.join(f.trail.archiveDir, run!.file);
    // Drop the trailer's checkpoint: the file no longer proves where the chain stood.
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
    writeFileSync(file, gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    const check = await f.trail.verifyArchive(file);
    expect(check.ok).toBe(false);
    expect(check.problem).toMatch(/no signed checkpoint|differs from the one the archive register recorded/);
  });

  it('does nothing with retention 0', async () => {
    f = openTrail({ retentionDays: 0 });
    await appendMany(f.trail, 3);
    expect(await f.trail.archive(undefined, Date.now() + 1000 * DAY)).toEqual([]);
    expect(readdirSync(f.dir)).not.toContain('audit-archive');
  });
});
