import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';

/**
 * The definition the stored bodies were hashed under: JSON.stringify with every object's keys
 * sorted (as the service once wrote it; it loses an own "__proto__" key, which no decision has).
 */
function byDefinition(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

const key = fc.string({ unit: 'binary' }).filter((k) => k !== '__proto__');
const anything = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    // Frozen objects (like the shared reason texts) take a cached path.
    fc.dictionary(key, tie('value'), { maxKeys: 6 }).map((o) => Object.freeze(o)),
  ),
})).value;

describe('canonicalJson', () => {
  it('writes exactly what the definition gives, for any JSON-ish value (keys in any order, Chinese and lone surrogates, -0, NaN, dates, undefined)', () => {
    fc.assert(fc.property(fc.dictionary(key, anything), (value) => {
      expect(canonicalJson(value)).toBe(byDefinition(value));
      // Twice: the second encoding meets the frozen parts already cached.
      expect(canonicalJson(value)).toBe(byDefinition(value));
    }), { numRuns: 2000 });
  });

  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, { z: 1, y: '乙' }], c: undefined } })).toBe('{"a":{"d":[3,null,{"y":"乙","z":1}]},"b":1}');
  });

  it('keeps an own "__proto__" member of parsed JSON, as JSON.stringify does', () => {
    expect(canonicalJson(JSON.parse('{"z":1,"__proto__":{"a":2}}'))).toBe('{"__proto__":{"a":2},"z":1}');
  });
});
