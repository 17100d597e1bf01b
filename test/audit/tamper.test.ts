import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { chainHash, type ChainedFields } from '../../src/audit/canonical.js';
import { RECORD_COLUMNS, type AuditRecord } from '../../src/audit/record.js';
import { appendMany, openTrail, precheckInput, type TrailFixture } from './helpers.js';

/**
 * An attacker with access to the data folder: a second connection to the file (or the file's
 * bytes themselves), dropping the append-only triggers where they are in the way.
 */
function attacker(f: TrailFixture): Database.Database {
  return new Database(f.store.file);
}

describe('tampering with the audit database is refused or found', () => {
  let f: TrailFixture;
  afterEach(async () => f?.close());

  async function trailOf(count: number, workers?: number) {
    f = openTrail();
    const records = await appendMany(f.trail, count);
    return { records, verify: () => f.trail.verify(workers ? { workers } : {}) };
  }

  it('refuses UPDATE, DELETE and an INSERT that does not extend the head, in the database itself', async () => {
    const { records } = await trailOf(5);
    const db = attacker(f);
    expect(() => db.prepare("UPDATE audit_decisions SET outcome = 'allow' WHERE seq = 3").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM audit_decisions WHERE seq = 3').run()).toThrow(/append-only: DELETE refused/);
    const forged = { ...records[2]!, id: 'forged', seq: 3 };
    expect(() => db.prepare('INSERT INTO audit_decisions (seq, id, at, kind, outcome, reason_codes, body, alg, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(9, forged.id, forged.at, forged.kind, forged.outcome, forged.reasonCodes, forged.body, forged.alg, forged.prevHash, forged.hash)).toThrow(/must extend the chain head/);
    expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).not.toThrow(); // empty: nothing to refuse yet
    f.trail.checkpoint();
    expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    db.close();
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it('names the record whose content was changed (trigger dropped, then UPDATE)', async () => {
    const { records, verify } = await trailOf(20);
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_decisions_no_update');
    db.prepare("UPDATE audit_decisions SET outcome = 'allow', reason_codes = '' WHERE seq = 7").run();
    db.close();
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seq: 7, id: records[6]!.id, problem: 'altered' });
    expect(report.count).toBe(6);
  });

  it('names the record whose bytes were changed in the file itself, without SQL', async () => {
    f = openTrail();
    await appendMany(f.trail, 6);
    const target = precheckInput();
    (target.body as { totals: { selfPayAmount: string } }).totals.selfPayAmount = '77.77';
    const victim = await f.trail.append(target);
    await appendMany(f.trail, 6);
    // Closing checkpoints the WAL into the main file, where the bytes are patched.
    await f.stop();
    const file = path.join(f.dir, 'checkout-guard.db');
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"selfPayAmount":"77.77"');
    expect(at).toBeGreaterThan(0);
    bytes.write('"selfPayAmount":"11.11"', at);
    writeFileSync(file, bytes);
    f = openTrail({ dir: f.dir });
    const report = await f.trail.verify();
    expect(report.firstBroken).toMatchObject({ seq: victim.seq, id: victim.id, problem: 'altered' });
  });

  it('names the deleted record (trigger dropped, then DELETE)', async () => {
    const { verify } = await trailOf(20);
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_decisions_no_delete');
    db.prepare('DELETE FROM audit_decisions WHERE seq = 12').run();
    db.close();
    const report = await verify();
    expect(report.firstBroken).toMatchObject({ seq: 12, id: null, problem: 'missing' });
    expect(report.firstBroken!.message).toContain('record 12 is missing');
  });

  it('names the first record of a reordered pair', async () => {
    const { records, verify } = await trailOf(20);
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_decisions_no_update');
    db.transaction(() => {
      db.prepare('UPDATE audit_decisions SET seq = -1 WHERE seq = 9').run();
      db.prepare('UPDATE audit_decisions SET seq = 9 WHERE seq = 10').run();
      db.prepare('UPDATE audit_decisions SET seq = 10 WHERE seq = -1').run();
    })();
    db.close();
    const report = await verify();
    expect(report.firstBroken).toMatchObject({ seq: 9, id: records[9]!.id, problem: 'altered' });
  });

  it('finds the same breaks when the chain is split across worker threads', async () => {
    const { records, verify } = await trailOf(120, 3);
    expect((await verify()).ok).toBe(true);
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_decisions_no_delete');
    // seq 41 is the first record of the second range: only the boundary stitch can see it go.
    db.prepare('DELETE FROM audit_decisions WHERE seq = 41').run();
    db.exec('DROP TRIGGER audit_decisions_no_update');
    db.prepare("UPDATE audit_decisions SET cashier_id = 'x' WHERE seq = 100").run();
    db.close();
    const report = await verify();
    expect(report.firstBroken).toMatchObject({ seq: 41, id: null, problem: 'missing' });
    expect(report.count).toBe(40);
    expect(records).toHaveLength(120);
  }, 30_000);

  it('catches a chain rewritten from some point on with its stored checkpoint, and with the auditor\'s own copy when that is gone too', async () => {
    f = openTrail();
    await appendMany(f.trail, 10);
    const outside = f.trail.checkpoint(); // the auditor copies this out
    await appendMany(f.trail, 5);
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_decisions_no_update');
    // Rewrite record 6 and recompute every hash after it, as someone who knows the encoding could.
    const rows = db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_decisions WHERE seq >= 6 ORDER BY seq`).all() as AuditRecord[];
    let prev = (db.prepare('SELECT hash FROM audit_decisions WHERE seq = 5').get() as { hash: string }).hash;
    const update = db.prepare('UPDATE audit_decisions SET outcome = ?, prev_hash = ?, hash = ? WHERE seq = ?');
    for (const r of rows) {
      const changed: ChainedFields = { ...r, outcome: r.seq === 6 ? 'allow' : r.outcome, prevHash: prev };
      prev = chainHash(changed);
      update.run(changed.outcome, changed.prevHash, prev, r.seq);
    }
    let report = await f.trail.verify();
    expect(report.firstBroken).toMatchObject({ seq: 10, problem: 'checkpoint-mismatch' });

    db.exec('DROP TRIGGER audit_checkpoints_no_delete');
    db.prepare('DELETE FROM audit_checkpoints').run();
    db.close();
    report = await f.trail.verify();
    expect(report.ok).toBe(true); // nothing local is left to contradict the rewrite...
    report = await f.trail.verify({ external: outside.checkpoint, externalPublicKey: outside.publicKey });
    expect(report.ok).toBe(false); // ...but the auditor's checkpoint does
    expect(report.external).toMatchObject({ seq: 10, signatureValid: true, matches: false });
    expect(report.firstBroken).toMatchObject({ seq: 10, problem: 'checkpoint-mismatch' });
  });

  it('catches records cut off the end through a later checkpoint', async () => {
    const { verify } = await trailOf(10);
    f.trail.checkpoint();
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_decisions_no_delete');
    db.prepare('DELETE FROM audit_decisions WHERE seq > 7').run();
    db.close();
    const report = await verify();
    expect(report.firstBroken).toMatchObject({ seq: 8, id: null, problem: 'truncated' });
  });

  it('catches a forged checkpoint signature', async () => {
    const { verify } = await trailOf(3);
    f.trail.checkpoint();
    const db = attacker(f);
    db.exec('DROP TRIGGER audit_checkpoints_no_update');
    db.prepare("UPDATE audit_checkpoints SET at = '2020-01-01T00:00:00.000+08:00'").run();
    db.close();
    expect((await verify()).firstBroken).toMatchObject({ seq: 3, problem: 'checkpoint-signature' });
  });
});
