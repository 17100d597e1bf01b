/**
 * The terminal link, protocol-neutral: one request frame from the host, one response frame
 * from the terminal. A codec (guard-link, huada-serial) turns frames into HID reports and back;
 * devices/README.md documents both byte by byte.
 */
export interface LinkFrame {
  /** Request command, or the command | 0x80 in a response. */
  cmd: number;
  /** Sequence number; undefined for protocols that carry none. */
  seq?: number;
  slot: number;
  /** 0 in requests; the terminal's status in responses. */
  status: number;
  payload: Uint8Array;
}

export type DecodeEvent = { frame: LinkFrame } | { garbled: string };

/** Reassembles frames from the reports of one direction of one connection. */
export interface FrameDecoder {
  /** Feeds one report; returns the frames it completes and any garbage it had to drop. */
  push(report: Uint8Array): DecodeEvent[];
  /** True while a frame is partly received. */
  readonly partial: boolean;
  reset(): void;
}

export interface LinkCodec {
  readonly name: string;
  /** True when a response carries its request's sequence number, so a stale answer can be told apart. */
  readonly sequenced: boolean;
  /** Smallest report size the framing works with. */
  readonly minReportSize: number;
  encode(frame: LinkFrame, reportSize: number): Uint8Array[];
  decoder(reportSize: number): FrameDecoder;
}

/** The largest payload either codec carries: an APDU of 255 data bytes plus headers fits many times over. */
export const MAX_PAYLOAD = 1024;

export const CMD = {
  INFO: 0x01,
  /** Send the last response again (after a garbled answer), without executing anything. */
  REPEAT: 0x02,
  BEEP: 0x03,
  POWER_ON: 0x10,
  POWER_OFF: 0x11,
  APDU: 0x12,
  PIN_VERIFY: 0x20,
  PIN_CHANGE: 0x21,
} as const;

export const RESPONSE = 0x80;

export const STATUS = {
  OK: 0x00,
  NO_CARD: 0x01,
  /** The card (or PSAM) gave no answer to reset. */
  MUTE: 0x02,
  NOT_POWERED: 0x03,
  /** The card left the slot during the exchange. */
  REMOVED: 0x04,
  BAD_SLOT: 0x05,
  UNSUPPORTED: 0x06,
  BAD_PARAMETER: 0x07,
  /** The terminal received a request it could not decode. */
  BAD_FRAME: 0x08,
  KEYPAD_TIMEOUT: 0x10,
  KEYPAD_CANCELLED: 0x11,
  PIN_LENGTH: 0x12,
  PINS_DIFFER: 0x13,
  NEW_PIN_IS_DEFAULT: 0x14,
} as const;

export function isResponseTo(response: LinkFrame, request: LinkFrame, sequenced: boolean): boolean {
  return response.cmd === (request.cmd | RESPONSE) && response.slot === request.slot && (!sequenced || response.seq === request.seq);
}

/** Splits a byte string into reports of `reportSize`, each starting with one carrier byte from `head`. */
export function chunkReports(bytes: Uint8Array, reportSize: number, head: (index: number, count: number) => number): Uint8Array[] {
  const room = reportSize - 1;
  const out: Uint8Array[] = [];
  for (let i = 0, n = 0; i < bytes.length || n === 0; i += room, n++) {
    const part = bytes.subarray(i, i + room);
    const report = new Uint8Array(reportSize);
    report[0] = head(n, part.length);
    report.set(part, 1);
    out.push(report);
  }
  return out;
}
