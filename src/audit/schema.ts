import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * The audit trail: one row per decision, gapless `seq`, each row's hash chained to the
 * previous one. Triggers in the migration refuse UPDATE and DELETE.
 */
export const auditDecisions = sqliteTable('audit_decisions', {
  seq: integer('seq').primaryKey(),
  id: text('id').notNull().unique(),
  at: text('at').notNull(),
  /** precheck | card-read | account-check | pin */
  kind: text('kind').notNull(),
  /** allow | partial | block (precheck) or ok | problem (checks) */
  outcome: text('outcome').notNull(),
  cashierId: text('cashier_id'),
  tokenId: text('token_id'),
  terminalId: text('terminal_id'),
  cardMasked: text('card_masked'),
  /** HMAC of the card's ID number under a local secret: finds one person's history without storing the number. */
  personHash: text('person_hash'),
  catalogueVersion: integer('catalogue_version'),
  /** Space-separated reason codes, for filtering. */
  reasonCodes: text('reason_codes').notNull(),
  /** Canonical JSON of the whole decision (masked). */
  body: text('body').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [
  index('audit_decisions_at').on(t.at),
  index('audit_decisions_cashier').on(t.cashierId, t.at),
  index('audit_decisions_person').on(t.personHash, t.at),
  index('audit_decisions_outcome').on(t.outcome, t.at),
]);
