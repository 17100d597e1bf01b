import type Database from 'better-sqlite3';
import { readPersonRatios } from './staging.js';

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

/** Besides the entry's own fields: the class-B proportions per person type (catalogue_person_ratios), as { psn_type: parts per 10,000 }. */
export const PERSON_RATIOS_FIELD = 'selfPayRatioByPersonType';

export type DiffField = keyof typeof DIFF_FIELDS | typeof PERSON_RATIOS_FIELD;

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
  const changed = new Map<string, ChangedItem>(changedRows.map((r) => {
    const changes: ChangedItem['changes'] = {};
    for (const [field, col] of Object.entries(DIFF_FIELDS) as [DiffField, string][]) {
      const a = r[`a_${col}`];
      const b = r[`b_${col}`];
      if (a !== b) changes[field] = { from: a, to: b };
    }
    return [r['code'] as string, { code: r['code'] as string, name: r['name'] as string, changes }];
  }));
  // Person-type proportions live in their own table: a code in both versions whose set differs has changed too.
  const ratiosA = readPersonRatios(sqlite, from);
  const ratiosB = readPersonRatios(sqlite, to);
  const inBoth = sqlite.prepare<[number, string, number], DiffItem>(`SELECT b.code, b.name FROM catalogue_entries b
    WHERE b.version_id = ? AND b.code = ? AND EXISTS (SELECT 1 FROM catalogue_entries a WHERE a.version_id = ? AND a.code = b.code)`);
  for (const code of new Set([...ratiosA.keys(), ...ratiosB.keys()])) {
    const a = Object.fromEntries(ratiosA.get(code) ?? []);
    const b = Object.fromEntries(ratiosB.get(code) ?? []);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const change = { from: a, to: b };
    const known = changed.get(code);
    if (known) {
      known.changes[PERSON_RATIOS_FIELD] = change;
      continue;
    }
    const item = inBoth.get(to, code, from);
    if (item) changed.set(code, { code: item.code, name: item.name, changes: { [PERSON_RATIOS_FIELD]: change } });
  }
  return {
    from,
    to,
    added: only.all(to, from) as DiffItem[],
    removed: only.all(from, to) as DiffItem[],
    changed: [...changed.values()].sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0)),
  };
}
