import { TextDecoder } from 'node:util';
import { ImportError } from '../import-error.js';

/** A run of whole lines; `first` is the 1-based number of lines[0]. */
export interface LineBatch {
  first: number;
  lines: string[];
}

const NL = 0x0a;

/**
 * Splits a byte stream into UTF-8 lines. Bytes are decoded a run of whole lines at a time with
 * a fatal decoder, so a file in another encoding (GBK from Excel, most often) fails at the
 * exact line instead of importing mojibake. A leading byte-order mark is dropped; CRLF is fine.
 */
export async function* utf8Lines(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<LineBatch> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let carry: Buffer = Buffer.alloc(0);
  let next = 1;
  let first = true;
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
    const batch = decodeLines(decoder, bytes.subarray(0, end), next, file);
    next += batch.lines.length;
    yield batch;
  }
  if (carry.length > 0) {
    if (first && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) carry = carry.subarray(3);
    yield decodeLines(decoder, carry, next, file);
  }
}

function decodeLines(decoder: TextDecoder, bytes: Buffer, first: number, file: string): LineBatch {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw encodingError(bytes, first, file);
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return { first, lines };
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
