import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { ImportError } from '../import-error.js';

/** A run of whole lines; `first` is the 1-based number of lines[0]. */
export interface LineBatch {
  first: number;
  lines: string[];
}

/** A run of whole lines as byte ranges of `buf` (end excludes CR and LF), checked to be UTF-8. */
export interface LineRanges {
  first: number;
  buf: Buffer;
  starts: number[];
  ends: number[];
}

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines of UTF-8. Each run of whole lines is checked before anything
 * reads it, so a file in another encoding (GBK from Excel, most often) fails at the exact line
 * instead of importing mojibake. A leading byte-order mark is dropped; CRLF is fine.
 */
export async function* utf8LineRanges(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<LineRanges> {
  let carry: Buffer = Buffer.alloc(0);
  let next = 1;
  let first = true;
  const batch = (bytes: Buffer): LineRanges => {
    if (!isUtf8(bytes)) throw encodingError(bytes, next, file);
    const starts: number[] = [];
    const ends: number[] = [];
    for (let s = 0; s <= bytes.length; ) {
      let e = bytes.indexOf(NL, s);
      if (e < 0) e = bytes.length;
      starts.push(s);
      ends.push(e > s && bytes[e - 1] === CR ? e - 1 : e);
      s = e + 1;
    }
    const out = { first: next, buf: bytes, starts, ends };
    next += starts.length;
    return out;
  };
  for await (const chunk of chunks) {
    let bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (first && bytes.length >= 3) {
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      first = false;
    }
    const end = bytes.lastIndexOf(NL);
    if (end < 0) {
      carry = bytes;
      continue;
    }
    carry = Buffer.from(bytes.subarray(end + 1));
    yield batch(bytes.subarray(0, end));
  }
  if (carry.length > 0) {
    if (first && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) carry = carry.subarray(3);
    yield batch(carry);
  }
}

/** The same lines as strings. */
export async function* utf8Lines(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<LineBatch> {
  for await (const { first, buf, starts, ends } of utf8LineRanges(chunks, file)) {
    yield { first, lines: starts.map((s, i) => buf.toString('utf8', s, ends[i])) };
  }
}

/** Finds the first line that is not UTF-8 and says what it looks like. */
function encodingError(bytes: Buffer, first: number, file: string): ImportError {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = first; start <= bytes.length; line++) {
    let end = bytes.indexOf(NL, start);
    if (end < 0) end = bytes.length;
    const raw = bytes.subarray(start, end);
    try {
      strict.decode(raw);
    } catch {
      return new ImportError(file, { line }, null, `not UTF-8 text${looksLikeGbk(raw) ? ' (it looks like GBK/GB18030: save the file as UTF-8)' : ''}`);
    }
    start = end + 1;
  }
  return new ImportError(file, { line: first }, null, 'not UTF-8 text');
}

function looksLikeGbk(raw: Buffer): boolean {
  try {
    const text = new TextDecoder('gb18030', { fatal: true }).decode(raw);
    return /[\u4e00-\u9fff]/.test(text);
  } catch {
    return false;
  }
}
