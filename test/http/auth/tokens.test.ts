import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataStore, type DataStore } from '../../../src/db/database.js';
import { parseExpiry, TokenStore } from '../../../src/http/auth/tokens.js';

describe('API tokens', () => {
  let dir: string;
  let store: DataStore;
  let now: number;
  let tokens: TokenStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'guard-tokens-'));
    store = openDataStore(dir);
    now = Date.parse('2025-03-01T08:00:00Z');
    tokens = new TokenStore(store, () => now);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores only a hash of the secret', () => {
    const { token } = tokens.create('till-1', 'cashier');
    const raw = JSON.stringify(store.sqlite.prepare('select * from api_tokens').all());
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.slice(-20));
  });

  it('verifies an active token to its caller and refuses unknown, empty, oversized and revoked ones', () => {
    const { token, info } = tokens.create('till-1', 'cashier');
    expect(tokens.verify(token)).toMatchObject({ id: info.id, role: 'cashier', name: 'till-1' });
    expect(tokens.verify(undefined)).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
    expect(tokens.verify(token + 'x')).toBeUndefined();
    expect(tokens.verify('x'.repeat(10_000))).toBeUndefined();
    expect(tokens.revoke(info.id)).toBe(true);
    expect(tokens.revoke(info.id)).toBe(false);
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('remembers verified tokens, and forgets them when another process (the token command) revokes one', () => {
    const { token, info } = tokens.create('till-1', 'cashier');
    const other = tokens.create('till-2', 'cashier');
    expect(tokens.verify(token)?.id).toBe(info.id);
    expect(tokens.verify(other.token)?.id).toBe(other.info.id);
    // The token command: its own connection and TokenStore on the same file.
    const cli = openDataStore(dir);
    try {
      expect(new TokenStore(cli).revoke(info.id)).toBe(true);
    } finally {
      cli.close();
    }
    expect(tokens.verify(token)).toBeUndefined();
    expect(tokens.verify(other.token)?.id).toBe(other.info.id);
    expect(readFileSync(tokens.changeLog, 'utf8')).toMatch(new RegExp(`revoked ${info.id}\\n$`));
    expect(readFileSync(tokens.changeLog, 'utf8')).not.toContain(token);
  });

  it('sees a revocation made behind its back only through the change log: a stale log is the one way to keep a revoked token', () => {
    const { token, info } = tokens.create('till-1', 'cashier');
    expect(tokens.verify(token)?.id).toBe(info.id);
    // A revocation written straight into the file, as no supported tool does, is not seen at once...
    store.sqlite.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run('2025-03-01T08:00:00.000Z', info.id);
    expect(tokens.verify(token)?.id).toBe(info.id);
    // ...and is from the moment the log grows.
    appendFileSync(tokens.changeLog, 'manual\n');
    expect(tokens.verify(token)).toBeUndefined();
    // A removed log counts as a change too.
    const again = tokens.create('till-3', 'cashier');
    expect(tokens.verify(again.token)?.id).toBe(again.info.id);
    store.sqlite.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run('2025-03-01T08:00:00.000Z', again.info.id);
    rmSync(tokens.changeLog);
    expect(tokens.verify(again.token)).toBeUndefined();
  });

  it('never remembers unknown secrets', () => {
    tokens.create('till-1', 'cashier');
    for (let i = 0; i < 5_000; i++) expect(tokens.verify(`cg_cashier_${i}`)).toBeUndefined();
    expect((tokens as unknown as { remembered: Map<string, unknown> }).remembered.size).toBe(0);
  });

  it('says so when a revocation is stored but the change log cannot be written', () => {
    const { info } = tokens.create('till-1', 'cashier');
    rmSync(tokens.changeLog);
    mkdirSync(tokens.changeLog);
    expect(() => tokens.revoke(info.id)).toThrow(/revoked, but a running service cannot learn of it .*restart the service/);
    expect(tokens.list().find((t) => t.id === info.id)?.revokedAt).not.toBeNull();
  });

  it('records when a token was last used, at most once a minute', () => {
    const { token, info } = tokens.create('till-1', 'auditor');
    tokens.verify(token);
    const first = tokens.list().find((t) => t.id === info.id)!.lastUsedAt;
    expect(first).toBe('2025-03-01T08:00:00.000Z');
    now += 30_000;
    tokens.verify(token);
    expect(tokens.list().find((t) => t.id === info.id)!.lastUsedAt).toBe(first);
    now += 31_000;
    tokens.verify(token);
    expect(tokens.list().find((t) => t.id === info.id)!.lastUsedAt).toBe('2025-03-01T08:01:01.000Z');
  });

  it('bootstraps one token per role on an empty store, owner-readable only, and never again', () => {
    const file = tokens.bootstrap(dir)!;
    expect(file).toBe(path.join(dir, 'bootstrap-tokens.json'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(written).sort()).toEqual(['admin', 'auditor', 'cashier']);
    for (const [role, token] of Object.entries(written)) expect(tokens.verify(token)?.role).toBe(role);
    expect(tokens.bootstrap(dir)).toBeNull();
  });

  it('stops authenticating a token at its expiry, remembered or not, and lists when', () => {
    const expiresAt = new Date(now + 3_600_000).toISOString();
    const { token, info } = tokens.create('temp-till', 'cashier', expiresAt);
    expect(info.expiresAt).toBe(expiresAt);
    expect(tokens.verify(token)).toMatchObject({ id: info.id, expiresAt });
    now += 3_600_000 - 1;
    expect(tokens.verify(token)).toMatchObject({ id: info.id });
    now += 1;
    expect(tokens.verify(token)).toBeUndefined();
    // A second store (the service after a restart) reads the expiry from the file.
    expect(new TokenStore(store, () => now).verify(token)).toBeUndefined();
    expect(tokens.list().find((t) => t.id === info.id)).toMatchObject({ expiresAt, revokedAt: null });
    // Without an expiry a token works until revoked.
    const lasting = tokens.create('till-2', 'cashier');
    now += 3650 * 86_400_000;
    expect(tokens.verify(lasting.token)).toMatchObject({ id: lasting.info.id, expiresAt: null });
  });
});

describe('token expiry as `token create --expires` reads it', () => {
  const now = Date.parse('2026-11-29T10:00:00Z');

  it('takes days from now', () => {
    expect(parseExpiry('90d', now)).toBe('2027-02-27T10:00:00.000Z');
    expect(parseExpiry('1d', now)).toBe('2026-11-30T10:00:00.000Z');
  });

  it('takes a date as "through that day", China time, and a date-time as through that instant', () => {
    expect(parseExpiry('2027-03-31', now)).toBe('2027-03-31T16:00:00.000Z');
    expect(parseExpiry('2027-03-31T18:00', now)).toBe('2027-03-31T10:00:00.001Z');
    expect(parseExpiry('2027-03-31T18:00:00Z', now)).toBe('2027-03-31T18:00:00.001Z');
  });

  it.each(['0d', '2026-11-28', '2026-11-29T17:59', '3654d', '2037-01-01', '2027-02-30', 'soon', '90', '-1d', ''])('refuses %j (unreadable, past, or more than ten years away)', (text) => {
    expect(parseExpiry(text, now)).toBeUndefined();
  });
});
