/** Turns the API's (day, reason, count) rows into stacked bars. No DOM here. */
export interface RejectRow {
  day: string;
  reason: string;
  count: number;
}

export interface Segment {
  reason: string;
  count: number;
  /** Cumulative count below this segment. */
  base: number;
}

export interface StackedChart {
  days: { day: string; total: number; segments: Segment[] }[];
  /** Reasons by total, largest first; the legend and the colours follow this order. */
  reasons: { reason: string; total: number }[];
  max: number;
}

/** Reasons beyond this many share one "other" colour, so the legend fits beside the chart. */
export const MAX_SERIES = 8;
export const OTHER = 'OTHER';

export function stackRejects(rows: RejectRow[], days: string[]): StackedChart {
  const totals = new Map<string, number>();
  for (const r of rows) if (days.includes(r.day)) totals.set(r.reason, (totals.get(r.reason) ?? 0) + r.count);
  let reasons = [...totals].map(([reason, total]) => ({ reason, total })).sort((a, b) => b.total - a.total || a.reason.localeCompare(b.reason));
  if (reasons.length > MAX_SERIES) {
    const rest = reasons.slice(MAX_SERIES - 1);
    reasons = [...reasons.slice(0, MAX_SERIES - 1), { reason: OTHER, total: rest.reduce((s, r) => s + r.total, 0) }];
  }
  const series = new Set(reasons.map((r) => r.reason));
  const order = new Map(reasons.map((r, i) => [r.reason, i]));
  const byDay = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = series.has(r.reason) ? r.reason : OTHER;
    const day = byDay.get(r.day) ?? new Map<string, number>();
    day.set(key, (day.get(key) ?? 0) + r.count);
    byDay.set(r.day, day);
  }
  let max = 0;
  const out = days.map((day) => {
    const counts = [...(byDay.get(day) ?? new Map<string, number>())].sort((a, b) => order.get(a[0])! - order.get(b[0])!);
    let base = 0;
    const segments = counts.map(([reason, count]) => {
      const s = { reason, count, base };
      base += count;
      return s;
    });
    max = Math.max(max, base);
    return { day, total: base, segments };
  });
  return { days: out, reasons, max };
}

/** A round axis top and its tick step: 0, 5, 10... rather than 0, 7, 14. */
export function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough)!;
  const wholeStep = Math.max(1, step);
  return { top: Math.ceil(max / wholeStep) * wholeStep, step: wholeStep };
}
