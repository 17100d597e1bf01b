import { sqliteTable, text, integer, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One import of a catalogue file: the unit of activation, diff and rollback. */
export const catalogueVersions = sqliteTable('catalogue_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** 1301 | workbook | mapping */
  format: text('format').notNull(),
  source: text('source').notNull(),
  /** Platform version name (ver_name) when the file carries one. */
  label: text('label'),
  rowCount: integer('row_count').notNull(),
  checksum: text('checksum').notNull(),
  importedAt: text('imported_at').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(false),
});

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
}, (t) => [
  primaryKey({ columns: [t.versionId, t.code] }),
  index('catalogue_entries_name').on(t.versionId, t.name),
]);

/** The pharmacy's own items (目录对照): local code and/or barcode -> national code. */
export const itemMappings = sqliteTable('item_mappings', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  localCode: text('local_code'),
  barcode: text('barcode'),
  code: text('code').notNull(),
  localName: text('local_name'),
}, (t) => [
  uniqueIndex('item_mappings_local').on(t.localCode),
  uniqueIndex('item_mappings_barcode').on(t.barcode),
]);
