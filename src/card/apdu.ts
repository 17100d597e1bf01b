import { ReaderError, READER_ERRORS } from './reader-errors.js';

/** A response APDU: the data and the status word (SW1 SW2 as one number, e.g. 0x9000). */
export interface Response {
  data: Uint8Array;
  sw: number;
}

export const SW_OK = 0x9000;

/** Builds a command APDU; `le` undefined means no Le byte, 0 means "as much as there is" (256). */
export function command(cla: number, ins: number, p1: number, p2: number, data?: Uint8Array, le?: number): Uint8Array {
  const body = data && data.length > 0 ? data : undefined;
  if (body && body.length > 255) throw new RangeError('short APDUs only: data above 255 bytes');
  const out = new Uint8Array(4 + (body ? 1 + body.length : 0) + (le === undefined ? 0 : 1));
  out.set([cla, ins, p1, p2]);
  let i = 4;
  if (body) {
    out[i++] = body.length;
    out.set(body, i);
    i += body.length;
  }
  if (le !== undefined) out[i] = le & 0xff;
  return out;
}

/** Splits a raw response; fewer than two bytes is not a response at all. */
export function parseResponse(raw: Uint8Array): Response {
  if (raw.length < 2) throw new ReaderError(READER_ERRORS.NO_ANSWER, 'response APDU shorter than a status word', { length: raw.length });
  return { data: raw.subarray(0, raw.length - 2), sw: (raw[raw.length - 2]! << 8) | raw[raw.length - 1]! };
}

/**
 * T=0 conveniences a card may ask for: 61xx "xx more bytes, fetch them with GET RESPONSE" and
 * 6Cxx "wrong Le, send again with Le = xx". Each is followed a bounded number of times so a
 * card that keeps asking cannot hold the terminal.
 */
export async function transceive(send: (apdu: Uint8Array) => Promise<Uint8Array>, apdu: Uint8Array): Promise<Response> {
  let res = parseResponse(await send(apdu));
  for (let resend = 0; (res.sw & 0xff00) === 0x6c00 && resend < 2; resend++) {
    const again = apdu.slice();
    // Case 2 (header + Le) or case 4 (header + Lc + data + Le): Le is the last byte either way.
    if (again.length === 5 || (again.length > 5 && again.length === 6 + again[4]!)) again[again.length - 1] = res.sw & 0xff;
    else break;
    res = parseResponse(await send(again));
  }
  const chunks: Uint8Array[] = res.data.length > 0 ? [res.data] : [];
  for (let fetches = 0; (res.sw & 0xff00) === 0x6100; fetches++) {
    if (fetches >= 16) throw new ReaderError(READER_ERRORS.ILLEGAL_DATA, 'card keeps answering 61xx', { sw: '61xx' });
    res = parseResponse(await send(command(0x00, 0xc0, 0x00, 0x00, undefined, res.sw & 0xff)));
    if ((res.sw & 0xff00) === 0x6c00) res = parseResponse(await send(command(0x00, 0xc0, 0x00, 0x00, undefined, res.sw & 0xff)));
    if (res.data.length > 0) chunks.push(res.data);
  }
  return { data: chunks.length === 1 ? chunks[0]! : concat(chunks), sw: res.sw };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError(`not hex: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
