import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';

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
