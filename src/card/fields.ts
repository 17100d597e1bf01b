import { ReaderError, READER_ERRORS } from './reader-errors.js';

/**
 * Decoders for the SSSE record values. Each validates what it decodes: a record that is not
 * what the specification says is illegal data (-23), never a half-read card.
 */

const gbk = new TextDecoder('gbk', { fatal: true });

/** Packed BCD to its digits; a nibble above 9 is illegal. */
export function bcdDigits(value: Uint8Array, field: string): string {
  let out = '';
  for (const b of value) {
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) throw illegal(field, 'not BCD');
    out += String.fromCharCode(48 + hi, 48 + lo);
  }
  return out;
}

/** A 4-byte BCD date YYYYMMDD as YYYY-MM-DD, checked against the calendar. */
export function bcdDate(value: Uint8Array, field: string): string {
  if (value.length !== 4) throw illegal(field, `date of ${value.length} bytes`);
  const d = bcdDigits(value, field);
  const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  const t = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso || d < '19000101') throw illegal(field, 'not a calendar date');
  return iso;
}

/** Printable ASCII, right-padded with spaces, 00 or FF on the card. */
export function ascii(value: Uint8Array, field: string, pattern?: RegExp): string {
  const bytes = trimPadding(value);
  let out = '';
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) throw illegal(field, 'not printable ASCII');
    out += String.fromCharCode(b);
  }
  out = out.trimEnd();
  if (pattern && !pattern.test(out)) throw new ReaderError(READER_ERRORS.FORMAT, `${field} has the wrong format`, { field });
  return out;
}

/** A GBK name field (姓名, 姓名扩展), padded with spaces, 00 or FF. */
export function gbkText(value: Uint8Array, field: string): string {
  try {
    return gbk.decode(trimPadding(value)).trim();
  } catch {
    throw illegal(field, 'not GBK text');
  }
}

function trimPadding(value: Uint8Array): Uint8Array {
  let end = value.length;
  while (end > 0 && (value[end - 1] === 0x00 || value[end - 1] === 0x20 || value[end - 1] === 0xff)) end--;
  return value.subarray(0, end);
}

function illegal(field: string, problem: string): ReaderError {
  return new ReaderError(READER_ERRORS.ILLEGAL_DATA, `${field}: ${problem}`, { field });
}
