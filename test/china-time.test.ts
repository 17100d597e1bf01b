import { describe, expect, it } from 'vitest';
import { chinaToday } from '../src/china-time.js';

describe('chinaToday', () => {
  it('turns the date at midnight in China (16:00 UTC), also when the clock is set back', () => {
    let now = Date.parse('2026-11-29T15:59:59.999Z');
    const today = chinaToday(() => now);
    expect(today()).toBe('2026-11-29');
    now += 1;
    expect(today()).toBe('2026-11-30');
    now = Date.parse('2026-11-30T15:59:59.999Z');
    expect(today()).toBe('2026-11-30');
    now += 1;
    expect(today()).toBe('2026-12-01');
    now = Date.parse('2026-11-29T16:00:00.000Z') - 1;
    expect(today()).toBe('2026-11-29');
    now = Date.parse('2027-01-01T00:00:00.000Z');
    expect(today()).toBe('2027-01-01');
  });
});
