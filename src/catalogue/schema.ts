import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * One import: the unit of activation, diff and rollback. Two kinds live side by side, each
 * with at most one active version: `catalogue` (a full snapshot of entries, from a 1301
 * download, the provincial workbook or a payment-policy file) and `mapping` (the pharmacy's
 * item mapping).
 */
export const catalogueVersions = sqliteTable('catalogue_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** catalogue | mapping */
  kind: text('kind').notNull().default('catalogue'),
  /** 1301 | workbook | policy | mapping */
  format: text('format').notNull(),
  source: text('source').notNull(),
  /** Platform version name (ver_name) when the file carries one. */
  label: text('label'),
  /** Highest 1301 ver_num in the snapshot: where the next `catalogue sync` starts. */
  platformVer: text('platform_ver'),
  /** The version this one was built on (delta sync, payment policy, carried-over policy). */
  basedOn: integer('based_on'),
  /** Rows in the imported file(s). */
  rowCount: integer('row_count').notNull(),
  /** Size of the snapshot: entries (catalogue) or items (mapping). A delta or policy file has fewer rows than that. */
  entryCount: integer('entry_count').notNull().default(0),
  /** SHA-256 of the imported bytes (several files: of their checksums in order). */
  checksum: text('checksum').notNull(),
  importedAt: text('imported_at').notNull(),
  /** staging while rows are written; ready once complete; pruned when its rows were deleted (the record stays for the audit trail). */
  status: text('status').notNull().default('ready'),
  active: integer('active', { mode: 'boolean' }).notNull().default(false),
  activatedAt: text('activated_at'),
}, (t) => [
  index('catalogue_versions_kind').on(t.kind, t.status, t.id),
]);

/** Catalogue entries by national code (med_list_codg), per version. Money in fen, ratios in 1/10000. */
export const catalogueEntries = sqliteTable('catalogue_entries', {
  versionId: integer('version_id').notNull().references(() => catalogueVersions.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  genericName: text('generic_name'),
  dosageForm: text('dosage_form'),
  spec: text('spec'),
  manufacturer: text('manufacturer'),
  approvalNo: text('approval_no'),
  /** 药品本位码 */
  standardCode: text('standard_code'),
  /** A (甲), B (乙), C (丙) or null when the drug has no insurance class. */
  insuranceClass: text('insurance_class'),
  /** Class-B self-pay proportion, parts per 10,000. */
  selfPayRatio: integer('self_pay_ratio'),
  priceCapFen: integer('price_cap_fen'),
  /** self-pay-excess | refuse */
  overCapHandling: text('over_cap_handling'),
  restricted: integer('restricted', { mode: 'boolean' }).notNull().default(false),
  restrictedScope: text('restricted_scope'),
  prescriptionOnly: integer('prescription_only', { mode: 'boolean' }).notNull().default(false),
  /** YYYY-MM-DD */
  beginDate: text('begin_date'),
  endDate: text('end_date'),
  valid: integer('valid', { mode: 'boolean' }).notNull().default(true),
  /** listed | discontinued */
  marketStatus: text('market_status').notNull().default('listed'),
  /** The row's own 1301 ver_num, when it came from the platform. */
  listVersion: text('list_version'),
}, (t) => [
  primaryKey({ columns: [t.versionId, t.code] }),
]);

/** The pharmacy's own items (目录对照) per mapping version: local code and/or barcode -> national code. */
export const itemMappings = sqliteTable('item_mappings', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  versionId: integer('version_id').notNull().references(() => catalogueVersions.id),
  localCode: text('local_code'),
  barcode: text('barcode'),
  code: text('code').notNull(),
  localName: text('local_name'),
}, (t) => [
  uniqueIndex('item_mappings_local').on(t.versionId, t.localCode),
  uniqueIndex('item_mappings_barcode').on(t.versionId, t.barcode),
]);

/**
 * The class-B self-pay proportion per person type (1319 selfpay_prop_psn_type), where a
 * province sets one other than the code's default (catalogue_entries.self_pay_ratio). Written
 * by a payment-policy import; carried to versions built from a catalogue file.
 */
export const cataloguePersonRatios = sqliteTable('catalogue_person_ratios', {
  versionId: integer('version_id').notNull().references(() => catalogueVersions.id),
  code: text('code').notNull(),
  /** psn_type as 1101 answers it: 11 employed, 21 retired, ... (codes vary by province). */
  psnType: text('psn_type').notNull(),
  /** Parts per 10,000. */
  selfPayRatio: integer('self_pay_ratio').notNull(),
}, (t) => [
  primaryKey({ columns: [t.versionId, t.code, t.psnType] }),
]);
