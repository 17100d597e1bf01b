import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseBytes, findPersonal } from '../audit/personal.js';
import { readCard, runCli, startService, type ServiceProcess } from './service-process.js';

/**
 * kill -9 of the service while prechecks are in flight: every decision the service answered
 * (so acknowledged as audited) must be in the trail after a restart, and the chain must
 * verify. Bounded: a few cycles of a second or two each.
 */

const CYCLES = Number(process.env['AUDIT_KILL_CYCLES'] ?? 3);
const CLIENTS = 16;
const LOAD_MS = 1500;

const BASKET = [
  { lineId: '1', code: 'XN02BEA011A001010100201', quantity: 2, unitPrice: '12.50' },
  { lineId: '2', code: 'XZ99ZZZ999Z999999999999', quantity: 1, unitPrice: '9.90' },
];

/** Drives prechecks from CLIENTS loops until `stop` says so; returns the ids the service answered. */
async function load(service: ServiceProcess, cardSession: string, stop: () => boolean): Promise<string[]> {
  const acknowledged: string[] = [];
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    while (!stop()) {
      try {
        const res = await service.request('POST', '/v1/checkout/precheck', { role: 'cashier', body: { cardSession, cashierId: `kill-${c}`, items: BASKET }, timeoutMs: 5000 });
        if (res.status === 200) acknowledged.push(res.body.decisionId as string);
      } catch {
        return; // the connection died with the service
      }
    }
  }));
  return acknowledged;
}

describe('audit trail under kill -9', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-audit-kill-'));
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged decision and a verifying chain over ${CYCLES} crashes under load`, async () => {
    const acknowledged: string[] = [];
    const logs: string[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      service = await startService({ dataDir });
      const cardSession = await readCard(service);
      let killed = false;
      const running = load(service, cardSession, () => killed);
      // Kill at a moment that differs from cycle to cycle, with requests in flight.
      await new Promise((r) => setTimeout(r, LOAD_MS / 2 + Math.random() * LOAD_MS));
      const exit = await service.kill('SIGKILL');
      killed = true;
      expect(exit.signal).toBe('SIGKILL');
      const answered = await running;
      logs.push(service.output());
      expect(answered.length, `cycle ${cycle}: no precheck was answered before the kill`).toBeGreaterThan(0);
      acknowledged.push(...answered);
    }

    // Straight from the file first (as the service would find it), then through the restarted service.
    const db = new Database(path.join(dataDir, 'checkout-guard.db'), { readonly: true });
    const has = db.prepare('SELECT 1 FROM audit_decisions WHERE id = ?');
    const lost = acknowledged.filter((id) => !has.get(id));
    db.close();
    expect(lost, `${lost.length} of ${acknowledged.length} acknowledged decisions lost`).toEqual([]);

    service = await startService({ dataDir });
    for (const id of acknowledged.slice(-20)) {
      expect((await service.request('GET', `/v1/audit/decisions/${id}`, { role: 'auditor' })).status).toBe(200);
    }
    const verify = await service.request('GET', '/v1/audit/verify', { role: 'auditor' });
    expect(verify.status, verify.text).toBe(200);
    expect(verify.body, verify.text).toMatchObject({ ok: true, firstBroken: null });
    expect(verify.body.count).toBeGreaterThanOrEqual(acknowledged.length);
    await service.cleanup();
    logs.push(service.output());
    service = undefined;
    console.info(`${acknowledged.length} acknowledged decisions over ${CYCLES} kills, all found; chain of ${verify.body.count} verifies`);

    // Nothing personal in the trail's file (with its WAL) or in anything the service logged.
    expect(findPersonal(databaseBytes(path.join(dataDir, 'checkout-guard.db')))).toEqual([]);
    expect(findPersonal(Buffer.from(logs.join('\n'), 'utf8'))).toEqual([]);

    // The CLI honours DATA_DIR and agrees.
    const cli = await runCli(['audit', 'verify'], { dataDir });
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/^OK: \d+ live records recomputed/m);
  });
});
