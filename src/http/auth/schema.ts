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
  lastUsedAt: text('last_used_at'),
});
