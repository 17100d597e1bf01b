import { fieldError } from '../import-error.js';
import type { InsuranceClass } from '../entry.js';

/** Empty and 无 ("none", as the provincial workbook writes it) both mean no value. */
export function optional(v: string | undefined): string | null {
  if (v === undefined || v.length === 0) return null;
  // Most fields have no surrounding space: skip trim's copy for them.
  const t = v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32 ? v : v.trim();
  return t === '' || t === '无' ? null : t;
}

const CODE = /^[XZ][A-Z0-9]{19}(?:[A-Z0-9]{3})?$/;

/** med_list_codg: 23 characters (X western, Z Chinese patent medicine), some older codes 20. */
export function nationalCode(v: string | undefined, column: string): string {
  const code = (v ?? '').trim();
  if (!CODE.test(code)) fieldError(column, code === '' ? 'missing national drug code' : `not a national drug code: "${code}"`);
  return code;
}

/** YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, optionally followed by a time; checked to be a real day. */
export function date(v: string | undefined, column: string): string | null {
  const t = optional(v);
  if (t === null) return null;
  // A national file holds a few hundred distinct dates over 270,000 rows: check each once.
  let iso = seenDates.get(t);
  if (iso === undefined) {
    const m = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(t);
    iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
    if (!m || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso) iso = '';
    if (seenDates.size > 10_000) seenDates.clear();
    seenDates.set(t, iso);
  }
  return iso === '' ? fieldError(column, `not a date: "${t}"`) : iso;
}

const seenDates = new Map<string, string>();

/**
 * The class mark as the national list (甲类/乙类), 1312 chrgitm_lv (01/02/03) or plain
 * digits write it. None or 无: the drug is not in the insurance list.
 */
export function insuranceClass(v: string | undefined, column: string): InsuranceClass | null {
  const t = optional(v);
  if (t === null || t === '0' || t === '00') return null;
  switch (t.endsWith('类') ? t.slice(0, -1) : t) {
    case '甲': case '01': case '1': case 'A': return 'A';
    case '乙': case '02': case '2': case 'B': return 'B';
    case '丙': case '03': case '3': case 'C': return 'C';
    default: return fieldError(column, `unknown class "${t}" (expected 甲/乙/丙, 01/02/03 or 无)`);
  }
}

/** A 0/1 flag; empty means the default. */
export function flag(v: string | undefined, column: string, empty: boolean): boolean {
  const t = (v ?? '').trim();
  if (t === '') return empty;
  if (t === '1') return true;
  if (t === '0') return false;
  return fieldError(column, `expected 0 or 1, found "${t}"`);
}
