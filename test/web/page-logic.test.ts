import { describe, expect, it } from 'vitest';
import { MAX_SERIES, niceScale, OTHER, stackRejects } from '../../src/web/page/chart-data.js';
import { addDays, apiParams, chartRange, cleanFilter, daysFrom, EMPTY_FILTER, fromHash, hashLookups, toHash } from '../../src/web/page/filters.js';

const HASH = 'ab'.repeat(32);

describe('the page filter', () => {
  it('trims, drops impossible days and puts a reversed range the right way round', () => {
    expect(cleanFilter({ from: ' 2026-03-10 ', to: '2026-02-30', cashierId: '  c-1 ' })).toEqual({ ...EMPTY_FILTER, from: '2026-03-10', cashierId: 'c-1' });
    expect(cleanFilter({ from: '2026-05-02', to: '2026-05-01' })).toMatchObject({ from: '2026-05-01', to: '2026-05-02' });
    expect(cleanFilter({ from: '20260501' }).from).toBe('');
  });

  it('lower-cases a hash but leaves a typed card number as typed (its hash depends on case)', () => {
    expect(cleanFilter({ personHash: HASH.toUpperCase(), cardHash: 'X00000019' })).toMatchObject({ personHash: HASH, cardHash: 'X00000019' });
  });

  it('sends only what is set, days as days', () => {
    const q = apiParams({ ...EMPTY_FILTER, from: '2026-05-01', to: '2026-05-31', reason: 'ITEM_NOT_COVERED', personHash: HASH });
    expect(Object.fromEntries(q)).toEqual({ from: '2026-05-01', to: '2026-05-31', reason: 'ITEM_NOT_COVERED', personHash: HASH });
    expect(apiParams(EMPTY_FILTER).toString()).toBe('');
  });

  it('round-trips through the address bar with the open decision', () => {
    const f = { ...EMPTY_FILTER, outcome: 'block', cashierId: 'cashier 07&x=1' };
    const hash = toHash(f, 'abc');
    expect(fromHash(hash)).toEqual({ filter: f, open: 'abc' });
    expect(toHash(EMPTY_FILTER, null)).toBe('');
    expect(fromHash('#from=nonsense&open=')).toEqual({ filter: EMPTY_FILTER, open: null });
  });

  it('turns typed ID and card numbers into lookups and names anything else', () => {
    expect(hashLookups({ ...EMPTY_FILTER, personHash: '330302198508150192', cardHash: 'X00000019' })).toEqual({ idNumber: '330302198508150192', cardNumber: 'X00000019', invalid: [] });
    expect(hashLookups({ ...EMPTY_FILTER, personHash: HASH, cardHash: HASH })).toEqual({ invalid: [] });
    expect(hashLookups({ ...EMPTY_FILTER, personHash: 'abc', cardHash: 'no spaces allowed' })).toEqual({ invalid: ['personHash', 'cardHash'] });
  });

  it('charts the filter\'s days, or the last two weeks', () => {
    expect(chartRange(EMPTY_FILTER, '2026-03-01')).toEqual({ from: '2026-02-16', to: '2026-03-01' });
    expect(chartRange({ ...EMPTY_FILTER, from: '2026-01-01' }, '2026-03-01')).toEqual({ from: '2026-01-01', to: '2026-01-14' });
    expect(chartRange({ ...EMPTY_FILTER, from: '2026-02-25' }, '2026-03-01')).toEqual({ from: '2026-02-25', to: '2026-03-01' });
    expect(chartRange({ ...EMPTY_FILTER, to: '2026-01-10' }, '2026-03-01')).toEqual({ from: '2025-12-28', to: '2026-01-10' });
    expect(daysFrom('2028-02-27', '2028-03-01')).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('the reject chart data', () => {
  it('stacks each day by reason, largest reason first, with empty days kept', () => {
    const chart = stackRejects([
      { day: '2026-05-01', reason: 'B', count: 2 },
      { day: '2026-05-01', reason: 'A', count: 5 },
      { day: '2026-05-03', reason: 'B', count: 1 },
      { day: '2026-04-30', reason: 'C', count: 100 },
    ], ['2026-05-01', '2026-05-02', '2026-05-03']);
    expect(chart.reasons).toEqual([{ reason: 'A', total: 5 }, { reason: 'B', total: 3 }]);
    expect(chart.days.map((d) => d.total)).toEqual([7, 0, 1]);
    expect(chart.days[0]!.segments).toEqual([{ reason: 'A', count: 5, base: 0 }, { reason: 'B', count: 2, base: 5 }]);
    expect(chart.max).toBe(7);
  });

  it('folds the smallest reasons into one "other" series', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ day: '2026-05-01', reason: `R${String(i).padStart(2, '0')}`, count: 20 - i }));
    const chart = stackRejects(rows, ['2026-05-01']);
    expect(chart.reasons).toHaveLength(MAX_SERIES);
    expect(chart.reasons.at(-1)).toEqual({ reason: OTHER, total: rows.slice(MAX_SERIES - 1).reduce((s, r) => s + r.count, 0) });
    expect(chart.days[0]!.total).toBe(rows.reduce((s, r) => s + r.count, 0));
  });

  it('gives round axis ticks', () => {
    expect(niceScale(0)).toEqual({ top: 1, step: 1 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(37)).toEqual({ top: 40, step: 10 });
    expect(niceScale(101)).toEqual({ top: 150, step: 50 });
  });
});
