import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../../src/config.js';

/**
 * The real service as a child process on loopback, for fault tests that must kill, restart
 * or starve it. The child is `node --import tsx src/main.ts ...` (one process, not the tsx
 * CLI wrapper), so SIGKILL hits the process that owns the SQLite file, as a crash would.
 */

export type Role = 'cashier' | 'auditor' | 'admin';

export interface ServiceOptions {
  /** Reuse a data folder (e.g. after a kill); default: a fresh temporary one, removed by cleanup(). */
  dataDir?: string;
  /** Extra environment (PLATFORM_URL, TERMINAL_TIMEOUT_MS...). Inherited config variables are cleared first. */
  env?: Record<string, string>;
  /** Fixed port; default: a free one the system picks. */
  port?: number;
  /** How long to wait for the service to answer /health. */
  startTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  tokens: Record<Role, string>;
  /** Authorization header for a role. */
  auth(role: Role): { authorization: string };
  /** JSON request to the service; never throws on an HTTP status. */
  request(method: string, route: string, options?: { role?: Role; body?: unknown; headers?: Record<string, string>; timeoutMs?: number }): Promise<{ status: number; body: any; text: string }>;
  /** Everything the child wrote to stdout and stderr so far (pino JSON lines). */
  output(): string;
  /** True while the child process runs. */
  alive(): boolean;
  /** Resolves when the child has exited (immediately if it already has). */
  exited: Promise<Exit>;
  /** Sends a signal and waits for the exit. SIGKILL by default: a crash, no shutdown hooks. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** Graceful stop (SIGTERM), then removes the data folder if this launcher created it. */
  cleanup(): Promise<void>;
}

/** Config variables the parent may have set; the child gets only what the test passes. */
const CONFIG_ENV = ['HOST', 'PORT', 'DATA_DIR', 'TERMINAL', 'PLATFORM_URL', 'SEED_CATALOGUE', 'SEED_MAPPING', 'DEVICES_DIR', 'RULES_FILE', 'LOG_LEVEL', 'CONFIG_FILE', 'FIXMEDINS_CODE', 'FIXMEDINS_NAME', 'ADMVS', 'CARD_SESSION_TTL', 'ACCOUNT_CACHE_SECONDS', 'PLATFORM_TIMEOUT_MS', 'TERMINAL_TIMEOUT_MS'];

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_ENV) delete env[key];
  // vitest sets these for its own workers; the service must run as in production.
  delete env['NODE_OPTIONS'];
  delete env['VITEST'];
  delete env['VITEST_POOL_ID'];
  delete env['VITEST_WORKER_ID'];
  return { ...env, NODE_ENV: 'production', ...extra };
}

/** Runs `checkout-guard <args>` (a CLI command such as `catalogue import FILE`) as a child process. */
export function spawnCli(args: string[], options: { dataDir: string; env?: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'main.ts'), ...args, '--data-dir', options.dataDir], {
    cwd: PROJECT_ROOT,
    env: childEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a CLI command to the end and returns its exit and output. */
export async function runCli(args: string[], options: { dataDir: string; env?: Record<string, string> }): Promise<Exit & { output: string }> {
  const child = spawnCli(args, options);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = await exitOf(child);
  return { ...exit, output };
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Starts `checkout-guard serve` on 127.0.0.1 and waits until /health answers. */
export async function startService(options: ServiceOptions = {}): Promise<ServiceProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'guard-fault-'));
  let started: Awaited<ReturnType<typeof launch>>;
  // A free port can be taken between the probe and the child's bind: try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      started = await launch(dataDir, options);
      break;
    } catch (err) {
      if (attempt >= 3 || options.port !== undefined || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
  const { child, port, exited, output } = started;
  const url = `http://127.0.0.1:${port}`;
  const tokens = JSON.parse(readFileSync(path.join(dataDir, 'bootstrap-tokens.json'), 'utf8')) as Record<Role, string>;
  const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  return {
    url, port, dataDir, pid: child.pid!, tokens, auth, exited,
    output,
    alive: () => child.exitCode === null && child.signalCode === null,
    request: async (method, route, opts = {}) => {
      const headers: Record<string, string> = { ...(opts.role ? auth(opts.role) : {}), ...opts.headers };
      if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(url + route, {
        method, headers,
        body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (e.g. CSV export): the caller reads `text`.
      }
      return { status: res.status, body, text };
    },
    kill: async (signal = 'SIGKILL') => {
      child.kill(signal);
      return exited;
    },
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function launch(dataDir: string, options: ServiceOptions) {
  const port = options.port ?? (await freePort());
  const child = spawnCli(['serve', '--port', String(port)], { dataDir, env: { LOG_LEVEL: 'info', ...options.env } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = exitOf(child);
  let gone = false;
  const died = exited.then((e) => {
    gone = true;
    return new Error(`service exited during start (code ${e.code}, signal ${e.signal})`);
  });
  const healthy = waitForHealth(`http://127.0.0.1:${port}`, options.startTimeoutMs ?? 30_000, () => gone).then(() => null, (err: Error) => err);
  const failure = await Promise.race([healthy, died]);
  if (failure) {
    child.kill('SIGKILL');
    throw new Error(`${failure.message}\n--- service output ---\n${output}`);
  }
  return { child, port, exited, output: () => output };
}

/** A port nobody listens on right now (the system's choice), for the child to bind. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, timeoutMs: number, stopped: () => boolean): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!stopped()) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // Not accepting yet.
    }
    if (Date.now() > end) throw new Error(`${url}/health did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Inserts a virtual card through the mock terminal's dev route and reads it; returns the card session. */
export async function readCard(service: ServiceProcess, scenario = 'normal'): Promise<string> {
  const ins = await service.request('POST', '/v1/dev/terminal/card', { role: 'cashier', body: { scenario } });
  if (ins.status !== 200) throw new Error(`insert ${scenario}: ${ins.status} ${ins.text}`);
  const read = await service.request('POST', '/v1/card/read', { role: 'cashier' });
  if (read.status !== 200 || typeof read.body?.cardSession !== 'string') throw new Error(`read ${scenario}: ${read.status} ${read.text}`);
  return read.body.cardSession as string;
}

/** SQLite's own verdict on the service's database file in a data folder ('ok' when sound), read while the service is stopped. */
export function integrityCheck(dataDir: string): string {
  const db = new Database(path.join(dataDir, 'checkout-guard.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}
