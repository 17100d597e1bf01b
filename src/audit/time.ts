import { CHINA_OFFSET_MS } from '../china-time.js';

/**
 * Audit time is China Standard Time written with its offset ("2026-05-01T09:30:00.000+08:00"):
 * auditors read local times, the local day is the first ten characters, and with one fixed
 * offset (China keeps no daylight saving) the text sorts in time order.
 */
const OFFSET = '+08:00';

export function localTimestamp(ms: number = Date.now()): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 23) + OFFSET;
}

/** The local day (YYYY-MM-DD) of a timestamp in the audit's form. */
export function localDay(at: string): string {
  return at.slice(0, 10);
}

/** ISO date or date-time accepted in query strings and CLI flags. */
export const DATE_OR_DATETIME = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?)?$';
const DATE_OR_DATETIME_RE = new RegExp(DATE_OR_DATETIME);

/**
 * A bound as an audit timestamp to compare as text. A date alone means that local day: as
 * `from` its first millisecond, as `to` the whole day included (the next day's start,
 * exclusive). A date-time without an offset is local time.
 */
export function parseBound(value: string, side: 'from' | 'to'): string | undefined {
  if (!DATE_OR_DATETIME_RE.test(value)) return undefined;
  if (value.length === 10) {
    const ms = Date.parse(`${value}T00:00:00.000${OFFSET}`);
    if (Number.isNaN(ms) || new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10) !== value) return undefined;
    return localTimestamp(side === 'from' ? ms : ms + 86_400_000);
  }
  const text = value.replace(' ', 'T');
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : text + OFFSET);
  if (Number.isNaN(ms)) return undefined;
  // `to` given as a date-time is inclusive of that instant.
  return localTimestamp(side === 'from' ? ms : ms + 1);
}
