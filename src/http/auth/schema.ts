import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/** API tokens: only a SHA-256 of the secret is stored. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** cashier | auditor | admin */
  role: text('role').notNull(),
  secretHash: text('secret_hash').notNull().unique(),
  createdAt: text('created_at').notNull(),
  revokedAt: text('revoked_at'),
  /** From this instant (ISO 8601 UTC) the token no longer authenticates; null: until revoked. */
  expiresAt: text('expires_at'),
  lastUsedAt: text('last_used_at'),
});
