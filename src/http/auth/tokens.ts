import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import { and, eq, isNull } from 'drizzle-orm';
import { parseBound } from '../../audit/time.js';
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
  /** When the token stops authenticating (ISO 8601 UTC); null: until revoked. */
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const DAY_MS = 86_400_000;

/**
 * `--expires` of `token create`: `90d` (days from now) or a date (the token works through that
 * day, China Standard Time) or a date-time (through that instant; local time without an
 * offset), as the audit commands read dates. Undefined when unreadable, not in the future, or
 * more than ten years away.
 */
export function parseExpiry(text: string, now: number): string | undefined {
  const days = /^(\d{1,4})d$/.exec(text);
  const bound = days ? undefined : parseBound(text, 'to');
  const ms = days ? now + Number(days[1]) * DAY_MS : bound === undefined ? NaN : Date.parse(bound);
  return ms > now && ms <= now + 3653 * DAY_MS ? new Date(ms).toISOString() : undefined;
}

/** Whether a token's expiry has come (never for one without). */
export function hasExpired(token: Pick<TokenInfo, 'expiresAt'>, now: number): boolean {
  return token.expiresAt !== null && now >= Date.parse(token.expiresAt);
}

/** `last used` is written at most this often per token, so verification stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Verified tokens remembered at most; a flood of distinct valid tokens only empties the cache, never grows it. */
const MAX_REMEMBERED = 1_000;

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Per-caller API tokens; only a hash of each secret is stored. */
export class TokenStore {
  private readonly touched = new Map<string, number>();
  /**
   * Every authenticated request runs this, so it is one raw prepared statement: building the
   * query each time, or mapping the row through the ORM, cost more than the lookup itself.
   */
  private readonly activeByHash: Statement<[string], TokenInfo>;
  /**
   * Tokens found active, by secret: the lookup (a hash and a read of the file) was a tenth of a
   * precheck's time. Tokens are created and revoked by the `token` command, a process of its own,
   * which appends a line to `changeLog` after its commit; a request that sees the log's size
   * changed forgets every remembered token, so a revocation still holds from the next request
   * on. The size, not the time, tells: file times move in clock ticks of a few milliseconds.
   * Unknown secrets are never remembered.
   */
  private readonly remembered = new Map<string, TokenInfo>();
  private seenChange = '';
  /** One line per token created or revoked (when, what, the token id; never a secret). */
  readonly changeLog: string;

  constructor(private readonly store: DataStore, private readonly now: () => number = Date.now) {
    this.changeLog = `${store.file}.token-changes`;
    this.activeByHash = store.sqlite.prepare(`SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt, expires_at AS expiresAt, last_used_at AS lastUsedAt
      FROM api_tokens WHERE secret_hash = ? AND revoked_at IS NULL`);
  }

  /** `expiresAt`: ISO 8601 (see parseExpiry); none: the token works until revoked. */
  create(name: string, role: Role, expiresAt: string | null = null): { token: string; info: TokenInfo } {
    const id = randomBytes(6).toString('hex');
    const token = `cg_${role}_${id}_${randomBytes(24).toString('base64url')}`;
    const createdAt = new Date(this.now()).toISOString();
    this.store.db.insert(apiTokens).values({ id, name, role, secretHash: hash(token), createdAt, expiresAt }).run();
    this.logChange('created', id);
    return { token, info: { id, name, role, createdAt, revokedAt: null, expiresAt, lastUsedAt: null } };
  }

  /** The active token's caller, or undefined for a missing, unknown, revoked or expired token. Revocation holds from the next request on. */
  verify(token: string | undefined): TokenInfo | undefined {
    const outcome = this.authenticate(token);
    return 'caller' in outcome ? outcome.caller : undefined;
  }

  /**
   * The caller, or why not: `expiredAt` for an unrevoked token refused only for its age (the
   * refusal then says so), null for a missing, unknown or revoked one. One lookup either way.
   */
  authenticate(token: string | undefined): { caller: TokenInfo } | { expiredAt: string | null } {
    if (!token || token.length > 200) return { expiredAt: null };
    const change = this.lastChange();
    if (change !== this.seenChange) {
      this.remembered.clear();
      this.seenChange = change;
    }
    let row = this.remembered.get(token);
    if (!row) {
      row = this.activeByHash.get(hash(token));
      if (!row) return { expiredAt: null };
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
      this.remembered.set(token, row);
    }
    const now = this.now();
    if (hasExpired(row, now)) return { expiredAt: row.expiresAt };
    if (now - (this.touched.get(row.id) ?? 0) >= LAST_USED_RESOLUTION_MS) {
      this.touched.set(row.id, now);
      try {
        this.store.db.update(apiTokens).set({ lastUsedAt: new Date(now).toISOString() }).where(eq(apiTokens.id, row.id)).run();
      } catch {
        // "Last used" is bookkeeping: a full or read-only disk must not refuse a caller who may only read.
      }
    }
    return { caller: row };
  }

  list(): TokenInfo[] {
    return this.store.db.select().from(apiTokens).all().map(info);
  }

  /** Throws when the running service cannot be told (the change log not writable): the revocation is stored, but the service must then be restarted. */
  revoke(id: string): boolean {
    const revoked = this.store.db.update(apiTokens).set({ revokedAt: new Date(this.now()).toISOString() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run().changes > 0;
    if (revoked) this.logChange('revoked', id);
    return revoked;
  }

  /** After the commit, so that a service seeing the log grow reads the committed tokens. */
  private logChange(what: 'created' | 'revoked', id: string): void {
    this.remembered.clear();
    try {
      appendFileSync(this.changeLog, `${new Date(this.now()).toISOString()} ${what} ${id}\n`, { mode: 0o600 });
    } catch (err) {
      throw new Error(`token ${id} ${what}, but a running service cannot learn of it (${(err as Error).message}): restart the service`, { cause: err });
    }
  }

  /** The log's identity and length: it only grows, so any change differs (a removed log reads as none). */
  private lastChange(): string {
    const s = statSync(this.changeLog, { throwIfNoEntry: false });
    return s ? `${s.ino}:${s.size}` : '';
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
  return { id: r.id, name: r.name, role: r.role as Role, createdAt: r.createdAt, revokedAt: r.revokedAt, expiresAt: r.expiresAt, lastUsedAt: r.lastUsedAt };
}
