import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildSimulator } from '../../../src/simulator/app.js';
import { loadVirtualCards } from '../../../src/emulator/virtual-cards.js';
import { loadConfig } from '../../../src/config.js';
import { readScenario, startTestApp, type TestApp } from '../../helpers/app.js';

describe('readiness', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('is ready with a database and a catalogue', async () => {
    t = await startTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ready: true, reasons: [] });
  });

  it('is not ready without a catalogue, and says why', async () => {
    t = await startTestApp({ seedCatalogue: undefined, seedMapping: undefined });
    const res = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().reasons.map((r: { code: string }) => r.code)).toEqual(['CATALOGUE_NOT_LOADED']);
  });
});

/** A platform in front of the simulator that answers late, so a precheck is in flight when shutdown begins. */
async function slowPlatform(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const sim = await buildSimulator({ cards: loadVirtualCards(loadConfig().devicesDir) });
  const target = new URL(await sim.listen({ host: '127.0.0.1', port: 0 }));
  const proxy: Server = createServer((req, res) => {
    setTimeout(() => {
      const out = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(out);
    }, req.url?.includes('health') ? 0 : delayMs);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await sim.close();
    },
  };
}

describe('graceful shutdown', () => {
  let platform: Awaited<ReturnType<typeof slowPlatform>>;
  afterAll(async () => platform?.close());

  it('finishes the precheck in flight, then turns further requests on that connection away with SERVICE_STOPPING', async () => {
    platform = await slowPlatform(400);
    const t = await startTestApp({ platformUrl: platform.url, accountCacheSeconds: 0 });
    const base = new URL(await t.app.listen({ host: '127.0.0.1', port: 0 }));
    const { cardSession } = await readScenario(t, 'normal');
    const body = JSON.stringify({ cardSession, cashierId: 'c1', items: [{ lineId: '1', barcode: '6901234567892', quantity: 1, unitPrice: '12.50' }] });
    const auth = t.auth('cashier').authorization;
    // One keep-alive connection: the precheck, then (once shutdown began) a second request behind it.
    const socket = connect(Number(base.port), '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    socket.write(`POST /v1/checkout/precheck HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(`GET /v1/catalogue/search?q=x HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n\r\n`);
    await closing;
    await ended;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[0]).toContain('"decision":"allow"');
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
    expect(answers[1]).toContain('"code":"SERVICE_STOPPING"');
    // The precheck's audit record was committed before the database closed: it is in the file.
    const db = new Database(path.join(t.dataDir, 'checkout-guard.db'), { readonly: true });
    const decisionId = /"decisionId":"([^"]+)"/.exec(answers[0]!)![1]!;
    expect(db.prepare('select count(*) as n from audit_decisions where id = ?').get(decisionId)).toEqual({ n: 1 });
    db.close();
    await t.close();
  });
});
