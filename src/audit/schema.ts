import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * The audit trail: one row per decision, gapless `seq`, each row's hash chained to the
 * previous one over the canonical encoding in canonical.ts. Triggers (drizzle custom
 * migration) refuse UPDATE, refuse DELETE of records not yet archived, and refuse an INSERT
 * that does not extend the chain head.
 */
export const auditDecisions = sqliteTable('audit_decisions', {
  seq: integer('seq').primaryKey(),
  id: text('id').notNull().unique(),
  /** Local time (China Standard Time) with its offset, ms precision: sorts as text and gives the local day as its first 10 characters. */
  at: text('at').notNull(),
  /** precheck | card-read | account-check | pin */
  kind: text('kind').notNull(),
  /** allow | partial | block (precheck) or ok | problem (checks) */
  outcome: text('outcome').notNull(),
  cashierId: text('cashier_id'),
  tokenId: text('token_id'),
  terminalId: text('terminal_id'),
  cardMasked: text('card_masked'),
  /** HMAC of the full card number under the local secret. Not indexed: every index costs each append, and a card search is rare (the person hash is the key). */
  cardHash: text('card_hash'),
  /** HMAC of the card's ID number under the local secret: finds one person's history without storing the number. */
  personHash: text('person_hash'),
  catalogueVersion: integer('catalogue_version'),
  /** Space-separated distinct reason codes, for filtering. */
  reasonCodes: text('reason_codes').notNull(),
  /** Canonical JSON (sorted keys) of the decision as answered, masked. */
  body: text('body').notNull(),
  /** Hash algorithm of this record's chain link: sm3 | sha256. */
  alg: text('alg').notNull().default('sha256'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [
  index('audit_decisions_at').on(t.at),
  index('audit_decisions_cashier_seq').on(t.cashierId, t.seq),
  index('audit_decisions_person_seq').on(t.personHash, t.seq),
  index('audit_decisions_outcome_seq').on(t.outcome, t.seq),
]);

/** Signed statements of the chain head: an auditor copies them out as an outside anchor. */
export const auditCheckpoints = sqliteTable('audit_checkpoints', {
  seq: integer('seq').primaryKey(),
  hash: text('hash').notNull(),
  /** When it was signed (local time with offset). */
  at: text('at').notNull(),
  /** Fingerprint of the Ed25519 public key that signed it. */
  keyId: text('key_id').notNull(),
  /** Base64 Ed25519 signature over the checkpoint's canonical statement. */
  signature: text('signature').notNull(),
});

/**
 * Records moved out of the live table by retention. The DELETE trigger lets only records at
 * or below the highest `up_to_seq` go, so an archive row must be written first.
 */
export const auditArchives = sqliteTable('audit_archives', {
  upToSeq: integer('up_to_seq').primaryKey(),
  fromSeq: integer('from_seq').notNull(),
  /** Hash of record `up_to_seq`: the anchor the live chain continues from. */
  lastHash: text('last_hash').notNull(),
  /** prev_hash of record `from_seq`. */
  firstPrevHash: text('first_prev_hash').notNull(),
  /** File name inside the archive folder. */
  file: text('file').notNull(),
  /** SHA-256 of the archive file's bytes. */
  fileSha256: text('file_sha256').notNull(),
  count: integer('count').notNull(),
  firstAt: text('first_at').notNull(),
  lastAt: text('last_at').notNull(),
  archivedAt: text('archived_at').notNull(),
});
