import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../faults/service-process.js';

describe('the token command', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guard-token-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a token that expires, lists it with its expiry, and refuses an expiry it cannot read', async () => {
    const created = await runCli(['token', 'create', 'temp-till', 'cashier', '--expires', '30d'], { dataDir });
    expect(created.code, created.output).toBe(0);
    const [head] = created.output.split('\n');
    expect(head).toMatch(/^[0-9a-f]{12}\tcashier\ttemp-till\texpires 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const id = head!.split('\t')[0]!;

    const listed = await runCli(['token', 'list'], { dataDir });
    expect(listed.output).toMatch(new RegExp(`^${id}\\tcashier\\ttemp-till\\t\\S+\\tactive, expires 20\\S+\\tlast used never$`, 'm'));

    const refused = await runCli(['token', 'create', 'x', 'cashier', '--expires', 'yesterday'], { dataDir });
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('error: --expires yesterday');
  }, 30_000);
});
