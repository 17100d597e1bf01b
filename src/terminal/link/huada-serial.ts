import { chunkReports, MAX_PAYLOAD, type DecodeEvent, type FrameDecoder, type LinkCodec, type LinkFrame } from './frame.js';

/**
 * huada-serial: the documented Huada serial frame, carried as a byte stream in HID reports.
 *
 *   frame  = FA FB FC FD | LEN(2, little-endian) = data length + 4 | STATUS | DATA | XOR | BB
 *   XOR    = XOR of every byte from offset 4 (LEN) to the end of DATA
 *   DATA   = CMD SLOT PAYLOAD (the same commands as guard-link; no sequence number)
 *   report = COUNT | COUNT frame bytes | zero padding   (COUNT <= reportSize - 1)
 *
 * A stream has no report boundaries to lean on, so the decoder hunts for the sync bytes and
 * resynchronises after garbage.
 */
const SYNC = [0xfa, 0xfb, 0xfc, 0xfd] as const;
const END = 0xbb;
/** Sync, LEN, status, XOR, end: the bytes around DATA. */
const OVERHEAD = 9;
const MAX_DATA = MAX_PAYLOAD + 2;

export function encodeHuadaFrame(frame: LinkFrame): Uint8Array {
  const n = frame.payload.length + 2;
  if (n > MAX_DATA) throw new RangeError(`payload of ${frame.payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const out = new Uint8Array(n + OVERHEAD);
  out.set(SYNC);
  const len = n + 4;
  out.set([len & 0xff, len >> 8, frame.status & 0xff, frame.cmd & 0xff, frame.slot & 0xff], 4);
  out.set(frame.payload, 9);
  out[n + 7] = xor(out, 4, n + 7);
  out[n + 8] = END;
  return out;
}

function xor(bytes: Uint8Array, from: number, to: number): number {
  let x = 0;
  for (let i = from; i < to; i++) x ^= bytes[i]!;
  return x;
}

class HuadaDecoder implements FrameDecoder {
  private buf = new Uint8Array(256);
  private size = 0;

  constructor(private readonly reportSize: number) {}

  get partial(): boolean {
    return this.size > 0;
  }

  reset(): void {
    this.size = 0;
  }

  push(report: Uint8Array): DecodeEvent[] {
    const count = report[0] ?? 0;
    if (count > Math.min(this.reportSize, report.length) - 1) return [{ garbled: `report byte count ${count} too large` }];
    this.append(report.subarray(1, 1 + count));
    const events: DecodeEvent[] = [];
    for (;;) {
      const start = this.findSync();
      if (start > 0) {
        events.push({ garbled: `${start} bytes before the sync` });
        this.drop(start);
      }
      if (this.size < 7) return events;
      const len = this.buf[4]! | (this.buf[5]! << 8);
      const n = len - 4;
      if (n < 2 || n > MAX_DATA) {
        events.push({ garbled: `length ${len} out of range` });
        this.drop(1);
        continue;
      }
      if (this.size < n + OVERHEAD) return events;
      const ok = this.buf[n + 8] === END && xor(this.buf, 4, n + 7) === this.buf[n + 7];
      if (!ok) {
        events.push({ garbled: this.buf[n + 8] === END ? 'XOR mismatch' : 'end byte missing' });
        this.drop(1);
        continue;
      }
      events.push({ frame: { cmd: this.buf[7]!, slot: this.buf[8]!, status: this.buf[6]!, payload: this.buf.slice(9, n + 7) } });
      this.drop(n + OVERHEAD);
    }
  }

  /** Offset of the first complete or possible (cut short at the end) sync sequence. */
  private findSync(): number {
    for (let i = 0; i < this.size; i++) {
      let k = 0;
      while (k < SYNC.length && i + k < this.size && this.buf[i + k] === SYNC[k]) k++;
      if (k === SYNC.length || i + k === this.size) return i;
    }
    return this.size;
  }

  private append(bytes: Uint8Array): void {
    if (this.size + bytes.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.size + bytes.length));
      bigger.set(this.buf.subarray(0, this.size));
      this.buf = bigger;
    }
    this.buf.set(bytes, this.size);
    this.size += bytes.length;
  }

  private drop(n: number): void {
    this.buf.copyWithin(0, n, this.size);
    this.size -= n;
  }
}

export const huadaSerial: LinkCodec = {
  name: 'huada-serial',
  sequenced: false,
  minReportSize: 8,
  encode(frame, reportSize) {
    return chunkReports(encodeHuadaFrame(frame), reportSize, (_i, count) => count);
  },
  decoder(reportSize) {
    return new HuadaDecoder(reportSize);
  },
};
