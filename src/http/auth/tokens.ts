import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
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
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Per-caller API tokens; only a hash of each secret is stored. */
export class TokenStore {
  constructor(private readonly store: DataStore) {}

  create(name: string, role: Role): { token: string; info: TokenInfo } {
    const id = randomBytes(6).toString('hex');
    const token = `cg_${role}_${id}_${randomBytes(24).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    this.store.db.insert(apiTokens).values({ id, name, role, secretHash: hash(token), createdAt }).run();
    return { token, info: { id, name, role, createdAt, revokedAt: null } };
  }

  verify(token: string): TokenInfo | undefined {
    const row = this.store.db.select().from(apiTokens).where(and(eq(apiTokens.secretHash, hash(token)), isNull(apiTokens.revokedAt))).get();
    return row ? { id: row.id, name: row.name, role: row.role as Role, createdAt: row.createdAt, revokedAt: null } : undefined;
  }

  list(): TokenInfo[] {
    return this.store.db.select().from(apiTokens).all().map((r) => ({ id: r.id, name: r.name, role: r.role as Role, createdAt: r.createdAt, revokedAt: r.revokedAt }));
  }

  revoke(id: string): boolean {
    return this.store.db.update(apiTokens).set({ revokedAt: new Date().toISOString() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run().changes > 0;
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
