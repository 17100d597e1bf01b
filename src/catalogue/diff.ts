import type Database from 'better-sqlite3';

/** The fields whose change matters to what insurance pays. */
export const DIFF_FIELDS = {
  insuranceClass: 'insurance_class',
  selfPayRatio: 'self_pay_ratio',
  priceCapFen: 'price_cap_fen',
  overCapHandling: 'over_cap_handling',
  restricted: 'restricted',
  prescriptionOnly: 'prescription_only',
  valid: 'valid',
  marketStatus: 'market_status',
  beginDate: 'begin_date',
  endDate: 'end_date',
} as const;

export type DiffField = keyof typeof DIFF_FIELDS;

export interface DiffItem {
  code: string;
  name: string;
}

export interface ChangedItem extends DiffItem {
  changes: Partial<Record<DiffField, { from: unknown; to: unknown }>>;
}

export interface CatalogueDiff {
  from: number;
  to: number;
  added: DiffItem[];
  removed: DiffItem[];
  changed: ChangedItem[];
}

/** Compares two stored versions in SQL (a join on the primary key), in code order. */
export function diffVersions(sqlite: Database.Database, from: number, to: number): CatalogueDiff {
  const only = sqlite.prepare(`SELECT b.code, b.name FROM catalogue_entries b
    WHERE b.version_id = ? AND NOT EXISTS (SELECT 1 FROM catalogue_entries a WHERE a.version_id = ? AND a.code = b.code) ORDER BY b.code`);
  const cols = Object.values(DIFF_FIELDS);
  const changedRows = sqlite.prepare(`SELECT b.code, b.name, ${cols.map((c) => `a.${c} AS a_${c}, b.${c} AS b_${c}`).join(', ')}
    FROM catalogue_entries b JOIN catalogue_entries a ON a.version_id = ? AND a.code = b.code
    WHERE b.version_id = ? AND (${cols.map((c) => `a.${c} IS NOT b.${c}`).join(' OR ')}) ORDER BY b.code`).all(from, to) as Record<string, unknown>[];
  const changed = changedRows.map((r) => {
    const changes: ChangedItem['changes'] = {};
    for (const [field, col] of Object.entries(DIFF_FIELDS) as [DiffField, string][]) {
      const a = r[`a_${col}`];
      const b = r[`b_${col}`];
      if (a !== b) changes[field] = { from: a, to: b };
    }
    return { code: r['code'] as string, name: r['name'] as string, changes };
  });
  return {
    from,
    to,
    added: only.all(to, from) as DiffItem[],
    removed: only.all(from, to) as DiffItem[],
    changed,
  };
}
