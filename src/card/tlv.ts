import { ReaderError, READER_ERRORS } from './reader-errors.js';

export interface Tlv {
  /** The tag bytes as one number: 0x07, 0x9F0C. */
  tag: number;
  value: Uint8Array;
}

/**
 * BER-TLV as the card writes it: one- or two-byte tags (a first byte ending in 11111 continues),
 * short lengths or 81 xx / 82 xx xx. Anything that does not add up is illegal data (-23):
 * the card's bytes are input from outside like any other.
 */
export function parseTlv(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    // 00 and FF between objects are padding on some cards.
    if (bytes[i] === 0x00 || bytes[i] === 0xff) {
      i++;
      continue;
    }
    let tag = bytes[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      if (i >= bytes.length) throw illegal('tag cut short', i);
      const next = bytes[i++]!;
      if (next & 0x80) throw illegal('tags above two bytes are not used on this card', i);
      tag = (tag << 8) | next;
    }
    if (i >= bytes.length) throw illegal('length missing', i);
    let length = bytes[i++]!;
    if (length === 0x81 || length === 0x82) {
      const n = length - 0x80;
      if (i + n > bytes.length) throw illegal('length cut short', i);
      length = n === 1 ? bytes[i]! : (bytes[i]! << 8) | bytes[i + 1]!;
      i += n;
    } else if (length > 0x7f) {
      throw illegal('length form not allowed', i);
    }
    if (i + length > bytes.length) throw illegal('value runs past the end', i);
    out.push({ tag, value: bytes.subarray(i, i + length) });
    i += length;
  }
  return out;
}

/** The value of the first object with this tag, or undefined. */
export function findTag(tlvs: readonly Tlv[], tag: number): Uint8Array | undefined {
  return tlvs.find((t) => t.tag === tag)?.value;
}

/** The value of the first object with this tag, looking inside constructed objects (6F, A5 ...) too. */
export function findDeep(bytes: Uint8Array, tag: number, depth = 0): Uint8Array | undefined {
  for (const t of parseTlv(bytes)) {
    if (t.tag === tag) return t.value;
    const first = t.tag > 0xff ? t.tag >> 8 : t.tag;
    if (first & 0x20 && depth < 4) {
      const inner = findDeep(t.value, tag, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Encodes one object (the emulator writes records with it). */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const len = value.length < 0x80 ? [value.length] : value.length <= 0xff ? [0x81, value.length] : [0x82, value.length >> 8, value.length & 0xff];
  const out = new Uint8Array(tagBytes.length + len.length + value.length);
  out.set([...tagBytes, ...len]);
  out.set(value, tagBytes.length + len.length);
  return out;
}

function illegal(problem: string, offset: number): ReaderError {
  return new ReaderError(READER_ERRORS.ILLEGAL_DATA, `TLV: ${problem}`, { offset });
}
