import type { PinEntry, PinEntryResult, TerminalInfo } from '../../card/channel.js';

/**
 * Payloads of the link commands that are not plain bytes (devices/README.md). Both sides use
 * these: the host driver and the emulated terminal. Decoders return undefined for anything
 * malformed; the caller turns that into its own coded error.
 */

export const PROTOCOL_VERSION = 1;
const FLAG_CARD = 0x01;
const FLAG_PSAM = 0x02;
const FLAG_KEYPAD = 0x04;
const FLAG_TYPED_DEFAULT = 0x01;

/** INFO answer: VERSION FLAGS then three length-prefixed ASCII strings. */
export function encodeInfo(info: TerminalInfo): Uint8Array {
  const strings = [info.terminalNumber, info.deviceNumber, info.model].map((s) => Buffer.from(s.slice(0, 64), 'latin1'));
  const flags = (info.cardPresent ? FLAG_CARD : 0) | (info.psamPresent ? FLAG_PSAM : 0) | (info.keypad ? FLAG_KEYPAD : 0);
  return Uint8Array.from([info.protocolVersion, flags, ...strings.flatMap((s) => [s.length, ...s])]);
}

export function decodeInfo(p: Uint8Array): TerminalInfo | undefined {
  if (p.length < 5) return undefined;
  const strings: string[] = [];
  let i = 2;
  for (let k = 0; k < 3; k++) {
    const n = p[i++];
    if (n === undefined || i + n > p.length) return undefined;
    const s = p.subarray(i, i + n);
    if (s.some((b) => b < 0x20 || b > 0x7e)) return undefined;
    strings.push(Buffer.from(s).toString('latin1'));
    i += n;
  }
  const flags = p[1]!;
  return { protocolVersion: p[0]!, cardPresent: !!(flags & FLAG_CARD), psamPresent: !!(flags & FLAG_PSAM), keypad: !!(flags & FLAG_KEYPAD), terminalNumber: strings[0]!, deviceNumber: strings[1]!, model: strings[2]! };
}

/** 6 digits -> 3 bytes packed BCD, as VERIFY and CHANGE PIN carry them. */
export function packPin(digits: string): Uint8Array {
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = ((digits.charCodeAt(2 * i) - 48) << 4) | (digits.charCodeAt(2 * i + 1) - 48);
  return out;
}

export function unpackPin(bytes: Uint8Array): string | undefined {
  let s = '';
  for (const b of bytes) {
    if (b >> 4 > 9 || (b & 0x0f) > 9) return undefined;
    s += `${b >> 4}${b & 0x0f}`;
  }
  return s;
}

/** PIN request: TIMEOUT(s) N DEFAULT(3 bytes BCD) x N, then the APDU header CLA INS P1 P2. */
export function encodePinRequest(entry: PinEntry): Uint8Array {
  const defaults = entry.defaults.filter((d) => /^\d{6}$/.test(d)).slice(0, 8);
  return Uint8Array.from([Math.min(255, Math.max(1, Math.round(entry.timeoutSeconds))), defaults.length, ...defaults.flatMap((d) => [...packPin(d)]), ...entry.header]);
}

export function decodePinRequest(p: Uint8Array): { timeoutSeconds: number; defaults: string[]; header: Uint8Array } | undefined {
  if (p.length < 6) return undefined;
  const n = p[1]!;
  if (p.length !== 2 + 3 * n + 4) return undefined;
  const defaults: string[] = [];
  for (let k = 0; k < n; k++) {
    const d = unpackPin(p.subarray(2 + 3 * k, 5 + 3 * k));
    if (d === undefined) return undefined;
    defaults.push(d);
  }
  return { timeoutSeconds: p[0]!, defaults, header: p.slice(2 + 3 * n) };
}

/** PIN answer: FLAGS SW1 SW2 (bit 0 of FLAGS: the PIN typed equals one of the defaults). */
export function encodePinResult(r: PinEntryResult): Uint8Array {
  return Uint8Array.of(r.typedDefault ? FLAG_TYPED_DEFAULT : 0, r.sw >> 8, r.sw & 0xff);
}

export function decodePinResult(p: Uint8Array): PinEntryResult | undefined {
  if (p.length !== 3) return undefined;
  return { typedDefault: (p[0]! & FLAG_TYPED_DEFAULT) !== 0, sw: (p[1]! << 8) | p[2]! };
}
