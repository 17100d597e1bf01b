import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteStrings, type Utf8Bytes } from '../../src/catalogue/io/byte-strings.js';

/** The values laid end to end in one buffer at odd offsets, as fields sit in a line. */
function laidOut(values: string[]): { bytes: Utf8Bytes; view: DataView; spans: [number, number][] } {
  const parts = values.map((v) => Buffer.from(v));
  const bytes = Buffer.alloc(1 + parts.reduce((n, p) => n + p.length + 1, 0)) as Utf8Bytes;
  const spans: [number, number][] = [];
  let at = 1;
  for (const p of parts) {
    p.copy(bytes, at);
    spans.push([at, at + p.length]);
    at += p.length + 1;
  }
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), spans };
}

const field = fc.oneof(
  fc.constantFrom('', '0', '1', '甲类', '乙类', '2020-01-01', '2021-03-01', '北京华润制药有限公司', '北京华润制药有限公 司', '限有明确诊断的患者'),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
);

describe('byte-keyed string cache', () => {
  it('gives back exactly what the bytes decode to, the same string for the same bytes, at any table size', () => {
    fc.assert(fc.property(fc.array(field, { maxLength: 200 }), fc.integer({ min: 1, max: 64 }), (values, limit) => {
      const { bytes, view, spans } = laidOut([...values, ...values]);
      const cache = new ByteStrings(limit);
      const got = spans.map(([s, e]) => cache.get(bytes, view, s, e));
      expect(got).toEqual([...values, ...values]);
      expect(cache.size).toBeLessThanOrEqual(limit);
    }));
  });

  it('shares one string per distinct value', () => {
    const { bytes, view, spans } = laidOut(['国药准字H20003786', '国药准字H20003786', '国药准字H20003787']);
    const cache = new ByteStrings();
    const [a, b, c] = spans.map(([s, e]) => cache.get(bytes, view, s, e));
    expect(a).toBe(b);
    expect(c).toBe('国药准字H20003787');
    expect(cache.size).toBe(2);
  });
});
