import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import { and, eq, isNull } from 'drizzle-orm';
import type { DataStore } from '../../db/database.js';
import { apiTokens } from './schema.js';

export const ROLES = ['cashier', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** `last used` is written at most this often per token, so verification stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Per-caller API tokens; only a hash of each secret is stored. */
export class TokenStore {
  private readonly touched = new Map<string, number>();
  /**
   * Every authenticated request runs this, so it is one raw prepared statement: building the
   * query each time, or mapping the row through the ORM, cost more than the lookup itself.
   */
  private readonly activeByHash: Statement<[string], TokenInfo>;

  constructor(private readonly store: DataStore, private readonly now: () => number = Date.now) {
    this.activeByHash = store.sqlite.prepare(`SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt, last_used_at AS lastUsedAt
      FROM api_tokens WHERE secret_hash = ? AND revoked_at IS NULL`);
  }

  create(name: string, role: Role): { token: string; info: TokenInfo } {
    const id = randomBytes(6).toString('hex');
    const token = `cg_${role}_${id}_${randomBytes(24).toString('base64url')}`;
    const createdAt = new Date(this.now()).toISOString();
    this.store.db.insert(apiTokens).values({ id, name, role, secretHash: hash(token), createdAt }).run();
    return { token, info: { id, name, role, createdAt, revokedAt: null, lastUsedAt: null } };
  }

  /** The active token's caller, or undefined for a missing, unknown or revoked token. Revocation holds from the next request on. */
  verify(token: string | undefined): TokenInfo | undefined {
    if (!token || token.length > 200) return undefined;
    const row = this.activeByHash.get(hash(token));
    if (!row) return undefined;
    const now = this.now();
    if (now - (this.touched.get(row.id) ?? 0) >= LAST_USED_RESOLUTION_MS) {
      this.touched.set(row.id, now);
      try {
        this.store.db.update(apiTokens).set({ lastUsedAt: new Date(now).toISOString() }).where(eq(apiTokens.id, row.id)).run();
      } catch {
        // "Last used" is bookkeeping: a full or read-only disk must not refuse a caller who may only read.
      }
    }
    return row;
  }

  list(): TokenInfo[] {
    return this.store.db.select().from(apiTokens).all().map(info);
  }

  revoke(id: string): boolean {
    return this.store.db.update(apiTokens).set({ revokedAt: new Date(this.now()).toISOString() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run().changes > 0;
  }

  /**
   * On an empty data folder, creates one token per role and writes them, readable by the owner
   * only, to bootstrap-tokens.json. Returns the file path when it did so.
   */
  bootstrap(dataDir: string): string | null {
    if (this.list().length > 0) return null;
    const file = path.join(dataDir, 'bootstrap-tokens.json');
    const tokens = Object.fromEntries(ROLES.map((role) => [role, this.create(`bootstrap-${role}`, role).token]));
    writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
    return file;
  }
}

function info(r: typeof apiTokens.$inferSelect): TokenInfo {
  return { id: r.id, name: r.name, role: r.role as Role, createdAt: r.createdAt, revokedAt: r.revokedAt, lastUsedAt: r.lastUsedAt };
}
