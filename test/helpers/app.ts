import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { buildSimulator, type SimulatorApp } from '../../src/simulator/app.js';
import { SHIPPED_CARDS } from '../account/platform-fixture.js';

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  tokens: { cashier: string; auditor: string; admin: string };
  /** Authorization header for a role. */
  auth(role: 'cashier' | 'auditor' | 'admin'): { authorization: string };
  close(): Promise<void>;
}

/** Builds the real service on a fresh temporary data folder, as a first start would. */
export async function startTestApp(overrides: Partial<Config> = {}, options: Parameters<typeof buildApp>[1] = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-test-'));
  const config = loadConfig([], {}, { dataDir, logLevel: 'silent', ...overrides });
  const app = await buildApp(config, options);
  const tokens = JSON.parse(readFileSync(path.join(dataDir, 'bootstrap-tokens.json'), 'utf8')) as TestApp['tokens'];
  return {
    app,
    dataDir,
    tokens,
    auth: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Inserts a virtual card and reads it, returning the card session. */
export async function readScenario(t: TestApp, scenario: string): Promise<{ cardSession: string; body: Record<string, unknown> }> {
  const ins = await t.app.inject({ method: 'POST', url: '/v1/dev/terminal/card', headers: t.auth('cashier'), payload: { scenario } });
  if (ins.statusCode !== 200) throw new Error(`insert ${scenario}: ${ins.statusCode} ${ins.body}`);
  const read = await t.app.inject({ method: 'POST', url: '/v1/card/read', headers: t.auth('cashier') });
  const body = read.json() as Record<string, unknown>;
  return { cardSession: body['cardSession'] as string, body };
}

export interface TestAppWithPlatform extends TestApp {
  sim: SimulatorApp;
  /** Every log line the service wrote, at trace level: for tests that no personal data is logged. */
  logLines: string[];
}

/**
 * The real service against a platform simulator of its own on loopback (back office: the
 * virtual cards in devices/), whose faults and e-vouchers the test controls; short platform
 * deadline, no retries. close() stops both.
 */
export async function startWithSimulator(overrides: Partial<Config> = {}): Promise<TestAppWithPlatform> {
  const sim = await buildSimulator({ cards: SHIPPED_CARDS });
  const platformUrl = await sim.listen({ host: '127.0.0.1', port: 0 });
  const logLines: string[] = [];
  const logStream = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
  const t = await startTestApp({ platformUrl, platformTimeoutMs: 300, platformRetries: 0, logLevel: 'trace', ...overrides }, { logStream });
  return {
    ...t,
    sim,
    logLines,
    close: async () => {
      await t.close();
      await sim.close();
    },
  };
}
