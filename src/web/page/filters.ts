import { localTimestamp } from '../../audit/time.js';

/**
 * The page's filter: what the auditor typed, how it goes to the audit API and how it lives in
 * the address bar so that a reload or a shared link shows the same decisions. No DOM here.
 */
export interface Filter {
  /** Audit days (the pharmacy's local day, as the API counts them), YYYY-MM-DD, both inclusive; '' for open-ended. */
  from: string;
  to: string;
  outcome: string;
  reason: string;
  cashierId: string;
  personHash: string;
  cardHash: string;
  kind: string;
}

export const FILTER_KEYS = ['from', 'to', 'outcome', 'reason', 'kind', 'cashierId', 'personHash', 'cardHash'] as const satisfies readonly (keyof Filter)[];

export const EMPTY_FILTER: Filter = { from: '', to: '', outcome: '', reason: '', cashierId: '', personHash: '', cardHash: '', kind: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Trims every field and drops what cannot be a day, so nothing odd reaches the API. */
export function cleanFilter(raw: Partial<Record<keyof Filter, string | null | undefined>>): Filter {
  const f = { ...EMPTY_FILTER };
  for (const key of FILTER_KEYS) f[key] = (raw[key] ?? '').trim();
  if (f.from && !isDay(f.from)) f.from = '';
  if (f.to && !isDay(f.to)) f.to = '';
  if (f.from && f.to && f.from > f.to) [f.from, f.to] = [f.to, f.from];
  for (const key of ['personHash', 'cardHash'] as const) if (HASH.test(f[key].toLowerCase())) f[key] = f[key].toLowerCase();
  return f;
}

const HASH = /^[0-9a-f]{64}$/;
const ID_NUMBER = /^([0-9]{17}[0-9Xx]|[0-9]{15})$/;
const CARD_NUMBER = /^[A-Za-z0-9]{6,20}$/;

/**
 * Auditors know ID and card numbers, not their keyed hashes: a number typed into a hash field
 * is sent to the API's person-hash lookup (in a POST body, never in a URL) and only the hash
 * goes into the filter. Anything else there is named as invalid.
 */
export function hashLookups(f: Filter): { idNumber?: string; cardNumber?: string; invalid: ('personHash' | 'cardHash')[] } {
  const out: ReturnType<typeof hashLookups> = { invalid: [] };
  if (f.personHash && !HASH.test(f.personHash)) {
    if (ID_NUMBER.test(f.personHash)) out.idNumber = f.personHash;
    else out.invalid.push('personHash');
  }
  if (f.cardHash && !HASH.test(f.cardHash)) {
    if (CARD_NUMBER.test(f.cardHash)) out.cardNumber = f.cardHash;
    else out.invalid.push('cardHash');
  }
  return out;
}

function isDay(s: string): boolean {
  return DAY.test(s) && addDays(s, 0) === s;
}

/** Calendar arithmetic on YYYY-MM-DD, in UTC so the browser's own time zone never shifts a day. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/** Today as the audit trail counts days (its timestamps carry the pharmacy's offset), wherever the browser is. */
export function auditToday(): string {
  return localTimestamp().slice(0, 10);
}

/** The API's query for a filter. Days go as days: the API reads `to` as the whole day included. */
export function apiParams(f: Filter): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) if (f[key]) q.set(key, f[key]);
  return q;
}

/** The address-bar form: `#outcome=block&reason=ITEM_NOT_COVERED&open=<id>`. */
export function toHash(f: Filter, open: string | null): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) if (f[key]) q.set(key, f[key]);
  if (open) q.set('open', open);
  const s = q.toString();
  return s ? `#${s}` : '';
}

export function fromHash(hash: string): { filter: Filter; open: string | null } {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const raw: Partial<Filter> = {};
  for (const key of FILTER_KEYS) raw[key] = q.get(key) ?? '';
  return { filter: cleanFilter(raw), open: q.get('open') || null };
}

export const CHART_DAYS = 14;

/** The days the chart covers: the filter's range, else the last two weeks up to today. */
export function chartRange(f: Filter, today: string): { from: string; to: string } {
  const to = f.to || (f.from && addDays(f.from, CHART_DAYS - 1) < today ? addDays(f.from, CHART_DAYS - 1) : today);
  const from = f.from || addDays(to, -(CHART_DAYS - 1));
  return { from, to };
}

export function daysFrom(from: string, to: string, max = 366): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < max; d = addDays(d, 1)) out.push(d);
  return out;
}
