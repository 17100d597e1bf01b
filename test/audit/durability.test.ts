import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceFault } from '../../src/reasons.js';
import { readScenario, startTestApp } from '../helpers/app.js';
import { appendMany, openTrail, precheckInput, type TrailFixture } from './helpers.js';

describe('group commit', () => {
  let f: TrailFixture;
  afterEach(async () => f?.close());

  it('commits concurrent appends together, each caller resolved with its own durable record', async () => {
    f = openTrail();
    const records = await appendMany(f.trail, 300);
    expect(new Set(records.map((r) => r.id)).size).toBe(300);
    const { commits, records: stored } = f.trail.appendStats;
    expect(stored).toBe(300);
    expect(commits).toBeLessThan(10);
    // Each promise resolved with the row now in the file, as another connection sees it.
    const other = new Database(f.store.file, { readonly: true });
    const row = other.prepare('SELECT hash FROM audit_decisions WHERE id = ?').get(records[123]!.id) as { hash: string };
    other.close();
    expect(row.hash).toBe(records[123]!.hash);
  });

  it('rejects every append of a batch that could not commit with a 503 fault, stores none of them, and goes on afterwards', async () => {
    f = openTrail();
    await appendMany(f.trail, 3);
    f.store.sqlite.pragma('busy_timeout = 20');
    const locker = new Database(f.store.file);
    locker.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([f.trail.append(precheckInput()), f.trail.append(precheckInput())]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const err = (results[0] as PromiseRejectedResult).reason as ServiceFault;
    expect(err).toBeInstanceOf(ServiceFault);
    expect(err.status).toBe(503);
    expect(err.code).toBe('INTERNAL_ERROR');
    locker.exec('ROLLBACK');
    locker.close();
    expect(f.trail.count()).toBe(3);
    const next = await f.trail.append(precheckInput());
    expect(next.seq).toBe(4);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it('keeps one chain when a second writer appends to the same file', async () => {
    f = openTrail();
    const second = openTrail({ dir: f.dir });
    await Promise.all([appendMany(f.trail, 40), appendMany(second.trail, 40)]);
    await second.stop();
    expect(f.trail.count()).toBe(80);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it('takes up the chain after a restart and may switch algorithm from the next record on', async () => {
    f = openTrail({ algorithm: 'sm3' });
    await appendMany(f.trail, 5);
    f = f.reopen({ algorithm: 'sha256' });
    const next = await f.trail.append(precheckInput());
    expect(next).toMatchObject({ seq: 6, alg: 'sha256' });
    const report = await f.trail.verify();
    expect(report).toMatchObject({ ok: true, count: 6, algorithm: 'sha256' });
    expect(report.algorithms.sort()).toEqual(['sha256', 'sm3']);
  });

  it('answers a precheck 503 with no decision when its audit record cannot be committed', async () => {
    const t = await startTestApp();
    try {
      const { cardSession } = await readScenario(t, 'normal');
      const { store, audit } = t.app.services;
      const before = audit.count();
      store.sqlite.pragma('busy_timeout = 20');
      const locker = new Database(store.file);
      locker.exec('BEGIN IMMEDIATE');
      const payload = { cardSession, cashierId: 'c1', items: [{ lineId: '1', code: 'XN02BEA011A001010100201', quantity: 1, unitPrice: '12.50' }] };
      const refused = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload });
      locker.exec('ROLLBACK');
      locker.close();
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.code).toBe('INTERNAL_ERROR');
      expect(refused.body).not.toContain('decisionId');
      expect(audit.count()).toBe(before);
      const answered = await t.app.inject({ method: 'POST', url: '/v1/checkout/precheck', headers: t.auth('cashier'), payload });
      expect(answered.statusCode).toBe(200);
      expect(audit.get(answered.json().decisionId)).toBeDefined();
    } finally {
      await t.close();
    }
  });
});
