import type { Database } from 'better-sqlite3';
import { RECORD_COLUMNS, SUMMARY_COLUMNS, splitCodes, toSummary, type AuditRecord, type RecordSummary } from './record.js';
import { localDay } from './time.js';

/** Filters shared by the list, the export and the CLI. `from`/`to` are audit timestamps (time.ts parseBound), `to` exclusive. */
export interface AuditFilter {
  outcome?: string;
  reason?: string;
  cashierId?: string;
  personHash?: string;
  cardHash?: string;
  kind?: string;
  from?: string;
  to?: string;
}

export const MAX_PAGE = 500;

function whereOf(f: AuditFilter, extra: { sql: string; param: unknown }[] = []): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, param: unknown) => {
    clauses.push(sql);
    params.push(param);
  };
  if (f.outcome !== undefined) add('outcome = ?', f.outcome);
  if (f.kind !== undefined) add('kind = ?', f.kind);
  if (f.cashierId !== undefined) add('cashier_id = ?', f.cashierId);
  if (f.personHash !== undefined) add('person_hash = ?', f.personHash);
  if (f.cardHash !== undefined) add('card_hash = ?', f.cardHash);
  // Codes are space-separated; padding both sides matches whole codes only.
  if (f.reason !== undefined) add("instr(' ' || reason_codes || ' ', ?) > 0", ` ${f.reason} `);
  if (f.from !== undefined) add('at >= ?', f.from);
  if (f.to !== undefined) add('at < ?', f.to);
  for (const e of extra) add(e.sql, e.param);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** Newest first, `limit` per page; the cursor is the seq to continue below. */
export function listDecisions(sqlite: Database, filter: AuditFilter, page: { cursor?: number; limit: number }): { items: RecordSummary[]; nextCursor: string | null } {
  const limit = Math.min(Math.max(1, page.limit), MAX_PAGE);
  const where = whereOf(filter, page.cursor !== undefined ? [{ sql: 'seq < ?', param: page.cursor }] : []);
  const rows = sqlite.prepare(`SELECT ${SUMMARY_COLUMNS} FROM audit_decisions ${where.sql} ORDER BY seq DESC LIMIT ?`).all(...where.params, limit + 1) as AuditRecord[];
  const more = rows.length > limit;
  const items = rows.slice(0, limit).map(toSummary);
  return { items, nextCursor: more ? String(items[items.length - 1]!.seq) : null };
}

/**
 * Matching records oldest first, read in chunks so that a long export never holds the
 * connection: appends go on between chunks.
 */
export function* iterateDecisions(sqlite: Database, filter: AuditFilter, chunk = 1000): Generator<AuditRecord> {
  let after = 0;
  for (;;) {
    const where = whereOf(filter, [{ sql: 'seq > ?', param: after }]);
    const rows = sqlite.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_decisions ${where.sql} ORDER BY seq LIMIT ?`).all(...where.params, chunk) as AuditRecord[];
    for (const r of rows) yield r;
    if (rows.length < chunk) return;
    after = rows[rows.length - 1]!.seq;
  }
}

export interface RejectDay {
  day: string;
  reason: string;
  count: number;
}

/** Outcomes that refuse some or all of what insurance would pay. */
const REFUSALS = ['partial', 'block', 'problem'];

/** Per local day and reason code, how many refusing decisions gave that reason (one count per decision and code). */
export function rejectStats(sqlite: Database, filter: Pick<AuditFilter, 'from' | 'to' | 'kind'>): RejectDay[] {
  const where = whereOf(filter);
  const sql = `SELECT at, reason_codes AS reasonCodes FROM audit_decisions ${where.sql ? `${where.sql} AND` : 'WHERE'} outcome IN (${REFUSALS.map(() => '?').join(', ')})`;
  const counts = new Map<string, number>();
  for (const row of sqlite.prepare(sql).iterate(...where.params, ...REFUSALS) as Iterable<{ at: string; reasonCodes: string }>) {
    const day = localDay(row.at);
    for (const code of splitCodes(row.reasonCodes)) {
      const key = `${day} ${code}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .map(([key, count]) => {
      const [day, reason] = key.split(' ') as [string, string];
      return { day, reason, count };
    })
    .sort((a, b) => (a.day === b.day ? a.reason.localeCompare(b.reason) : a.day < b.day ? -1 : 1));
}
