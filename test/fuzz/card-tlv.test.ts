import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii, bcdDate, bcdDigits, gbkText } from '../../src/card/fields.js';
import { ReaderError } from '../../src/card/reader-errors.js';
import { encodeTlv, findDeep, parseTlv } from '../../src/card/tlv.js';

/** TLV records and field decoders: any bytes a card may send give a value or a coded reader error. (00 and FF between objects are padding, so neither starts a tag.) */
const coded = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ReaderError);
    expect([-20, -23]).toContain((err as ReaderError).code);
  }
};

describe('TLV and record fields under fuzzing', () => {
  it('parses what it encodes', () => {
    const tag = fc.oneof(fc.integer({ min: 0x01, max: 0xfe }).filter((t) => (t & 0x1f) !== 0x1f), fc.integer({ min: 0x1f, max: 0xfe }).filter((t) => (t & 0x1f) === 0x1f).chain((hi) => fc.integer({ min: 0, max: 0x7f }).map((lo) => (hi << 8) | lo)));
    fc.assert(fc.property(fc.array(fc.tuple(tag, fc.uint8Array({ maxLength: 400 })), { maxLength: 8 }), (items) => {
      const bytes = Uint8Array.from(items.flatMap(([t, v]) => [...encodeTlv(t, v)]));
      expect(parseTlv(bytes).map((x) => [x.tag, [...x.value]])).toEqual(items.map(([t, v]) => [t, [...v]]));
    }));
  });

  it('random bytes: a TLV list or -23, and nested searches terminate', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffff }), (bytes, tag) => {
      coded(() => parseTlv(bytes));
      coded(() => findDeep(bytes, tag));
    }));
  });

  it('random field values: decoded or coded, never thrown raw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (v) => {
      coded(() => bcdDate(v, 'date'));
      coded(() => bcdDigits(v, 'digits'));
      coded(() => gbkText(v, 'name'));
      coded(() => ascii(v, 'cardNumber', /^[A-Z0-9]{9}$/));
    }));
  });

  it('a decoded BCD date is always a real calendar date', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (v) => {
      try {
        const d = bcdDate(v, 'd');
        expect(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10)).toBe(d);
      } catch (err) {
        expect(err).toBeInstanceOf(ReaderError);
      }
    }));
  });
});
