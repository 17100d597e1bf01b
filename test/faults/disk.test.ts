import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck, readCard, startService, type ServiceProcess } from './service-process.js';

/**
 * The data folder full or read-only, for real: the service's folder lives on its own small
 * tmpfs, filled with a filler file until the kernel answers ENOSPC, or remounted read-only
 * (EROFS) between runs. Needs root with CAP_SYS_ADMIN (CI runs as root); elsewhere the suite
 * says why it skips. Linux refuses to remount read-only while the service holds its database
 * open for writing, so "read-only under a running service" is not reachable here; the write
 * failures it would cause are the disk-full case. See docs/reliability.md for why not chmod
 * (root ignores it) or SQLite's max_page_count (it limits SQLite only, not the WAL).
 */

const mountPoint = mkdtempSync(path.join(tmpdir(), 'guard-disk-'));
const mountable = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return true;
  } catch (err) {
    console.warn(`disk fault tests skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); they need root with CAP_SYS_ADMIN`);
    return false;
  }
})();

function remount(mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, mountPoint], { stdio: 'pipe' });
}

/** Writes a filler file until the file system refuses; returns its path. */
function fillDisk(): string {
  const file = path.join(mountPoint, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

const BASKET = [{ lineId: '1', barcode: '6901234567892', quantity: 1, unitPrice: '12.50' }];

async function precheck(service: ServiceProcess, cardSession: string) {
  return service.request('POST', '/v1/checkout/precheck', { role: 'cashier', body: { cardSession, cashierId: 'disk-fault', items: BASKET } });
}

/** Every acknowledged decision is still there, the file is sound, and the chain verifies. */
async function expectIntact(service: ServiceProcess, acknowledged: string[]): Promise<void> {
  for (const id of acknowledged) {
    const res = await service.request('GET', `/v1/audit/decisions/${id}`, { role: 'auditor' });
    expect(res.status, `acknowledged decision ${id} lost`).toBe(200);
  }
  const verify = await service.request('GET', '/v1/audit/verify', { role: 'auditor' });
  if (verify.status !== 404) {
    expect(verify.status, verify.text).toBe(200);
    expect(verify.body.ok, verify.text).toBe(true);
  }
}

/** While storage fails, an answer is an error the caller can read, never a success that was not stored. */
function expectStorageRefusal(res: { status: number; body: any; text: string }): void {
  expect(res.status, res.text).toBeGreaterThanOrEqual(500);
  expect(typeof res.body?.error?.code, res.text).toBe('string');
  expect(typeof res.body?.error?.message?.en, res.text).toBe('string');
}

describe.skipIf(!mountable)('data folder full or read-only (tmpfs of 64 MiB)', () => {
  let service: ServiceProcess;
  const dataDir = path.join(mountPoint, 'data');
  const acknowledged: string[] = [];

  beforeAll(async () => {
    service = await startService({ dataDir, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(async () => {
    await service?.cleanup();
    if (mountable) {
      try {
        remount('rw');
      } catch {
        // Already read-write.
      }
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    }
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('disk full: refuses decisions it cannot store, loses none it acknowledged, recovers when space returns', async () => {
    const cardSession = await readCard(service);
    for (let i = 0; i < 5; i++) {
      const res = await precheck(service, cardSession);
      expect(res.status, res.text).toBe(200);
      acknowledged.push(res.body.decisionId);
    }

    const filler = fillDisk();
    try {
      let refused = 0;
      // SQLite may still fit a few records into pages it already holds; keep going until it cannot.
      for (let i = 0; i < 400 && refused < 20; i++) {
        const res = await precheck(service, cardSession);
        if (res.status === 200) acknowledged.push(res.body.decisionId);
        else {
          expectStorageRefusal(res);
          refused++;
        }
      }
      expect(refused, 'the full disk never refused a write: nothing was tested').toBeGreaterThan(0);
      expect((await service.request('GET', '/health')).status).toBe(200);
      // Reads still work while writes cannot: an auditor can look at what was decided.
      const read = await service.request('GET', `/v1/audit/decisions/${acknowledged[0]}`, { role: 'auditor' });
      expect(read.status, read.text).toBe(200);
    } finally {
      rmSync(filler);
    }
    const after = await precheck(service, await readCard(service));
    expect(after.status, `no recovery after space returned: ${after.text}`).toBe(200);
    acknowledged.push(after.body.decisionId);
    await expectIntact(service, acknowledged);
  });

  it('names the storage problem when the disk is full: 503 saying the decision could not be stored, not a bare 500', async () => {
    const cardSession = await readCard(service);
    const filler = fillDisk();
    try {
      let res = await precheck(service, cardSession);
      for (let i = 0; i < 400 && res.status === 200; i++) res = await precheck(service, cardSession);
      expect(res.status, res.text).toBe(503);
      const said = `${res.body.error.code} ${JSON.stringify(res.body.error.detail ?? {})}`;
      expect(said, res.text).toMatch(/STORAGE|DISK|audit|stor|disk|space/i);
    } finally {
      rmSync(filler);
    }
  });

  it('after a crash on the full disk and a restart, every acknowledged decision is there and the file is sound', async () => {
    const cardSession = await readCard(service);
    const filler = fillDisk();
    for (let i = 0; i < 50; i++) {
      const res = await precheck(service, cardSession);
      if (res.status === 200) acknowledged.push(res.body.decisionId);
    }
    await service.kill('SIGKILL');
    rmSync(filler);
    expect(integrityCheck(dataDir)).toBe('ok');
    service = await startService({ dataDir, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    await expectIntact(service, acknowledged);
  });

  it('on a read-only data folder: refuses to start saying so, or starts not ready and refuses decisions saying so', async () => {
    await service.cleanup();
    remount('ro');
    try {
      let started: ServiceProcess | undefined;
      try {
        started = await startService({ dataDir, startTimeoutMs: 20_000 });
      } catch (err) {
        expect((err as Error).message).toMatch(/read-only|readonly|EROFS|not writable/i);
      }
      if (started) {
        try {
          const ready = await started.request('GET', '/ready');
          expect(ready.status, ready.text).toBe(503);
          expect(ready.text).toMatch(/read-only|readonly|stor|writ/i);
        } finally {
          await started.cleanup();
        }
      }
    } finally {
      remount('rw');
    }
    service = await startService({ dataDir, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  });
});
