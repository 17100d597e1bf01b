import { chunkReports, MAX_PAYLOAD, type DecodeEvent, type FrameDecoder, type LinkCodec, type LinkFrame } from './frame.js';

/**
 * guard-link: our framing inside fixed-size HID reports (devices/README.md).
 *
 *   frame  = CMD SEQ SLOT STATUS LEN(2, big-endian) PAYLOAD(LEN) CRC(2, big-endian)
 *   report = PCB | next (reportSize - 1) bytes of the frame, zero-padded
 *   PCB    = 0x80 on a frame's first report, then 0x01, 0x02 ... on its continuations
 *
 * CRC-16/CCITT-FALSE (poly 1021, init FFFF) over CMD..PAYLOAD. The sequence number pairs
 * every response with its request, so an answer that arrives after its request timed out is
 * recognised and dropped.
 */
const HEADER = 6;
const FIRST = 0x80;
const MAX_CONTINUATIONS = 0x7f;

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export function crc16(bytes: Uint8Array, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = 0; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

export function encodeGuardFrame(frame: LinkFrame): Uint8Array {
  const n = frame.payload.length;
  if (n > MAX_PAYLOAD) throw new RangeError(`payload of ${n} bytes exceeds ${MAX_PAYLOAD}`);
  const out = new Uint8Array(HEADER + n + 2);
  out.set([frame.cmd & 0xff, (frame.seq ?? 0) & 0xff, frame.slot & 0xff, frame.status & 0xff, n >> 8, n & 0xff]);
  out.set(frame.payload, HEADER);
  const crc = crc16(out, HEADER + n);
  out[HEADER + n] = crc >> 8;
  out[HEADER + n + 1] = crc & 0xff;
  return out;
}

class GuardDecoder implements FrameDecoder {
  private bytes: Uint8Array | null = null;
  private got = 0;
  private next = 1;

  get partial(): boolean {
    return this.bytes !== null;
  }

  reset(): void {
    this.bytes = null;
    this.got = 0;
    this.next = 1;
  }

  push(report: Uint8Array): DecodeEvent[] {
    if (report.length < 2) return [{ garbled: 'report too short' }];
    const pcb = report[0]!;
    const chunk = report.subarray(1);
    const events: DecodeEvent[] = [];
    if (pcb === FIRST) {
      if (this.bytes) events.push({ garbled: 'frame abandoned before its last report' });
      this.reset();
      if (chunk.length < HEADER) return [...events, { garbled: 'report too short for a header' }];
      const len = (chunk[4]! << 8) | chunk[5]!;
      if (len > MAX_PAYLOAD) return [...events, { garbled: `length ${len} above maximum` }];
      this.bytes = new Uint8Array(HEADER + len + 2);
    } else if (pcb === 0 && !this.bytes && chunk.every((b) => b === 0)) {
      return events; // an idle, all-zero report
    } else if (!this.bytes) {
      return [{ garbled: 'continuation without a first report' }];
    } else if (pcb !== this.next || this.next > MAX_CONTINUATIONS) {
      this.reset();
      return [{ garbled: 'continuation out of order' }];
    } else {
      this.next++;
    }
    const take = Math.min(chunk.length, this.bytes.length - this.got);
    this.bytes.set(chunk.subarray(0, take), this.got);
    this.got += take;
    if (this.got < this.bytes.length) return events;
    const bytes = this.bytes;
    this.reset();
    const end = bytes.length - 2;
    if (crc16(bytes, end) !== ((bytes[end]! << 8) | bytes[end + 1]!)) return [...events, { garbled: 'checksum mismatch' }];
    events.push({ frame: { cmd: bytes[0]!, seq: bytes[1]!, slot: bytes[2]!, status: bytes[3]!, payload: bytes.slice(HEADER, end) } });
    return events;
  }
}

export const guardLink: LinkCodec = {
  name: 'guard-link',
  sequenced: true,
  minReportSize: 16,
  encode(frame, reportSize) {
    return chunkReports(encodeGuardFrame(frame), reportSize, (i) => (i === 0 ? FIRST : i));
  },
  decoder() {
    return new GuardDecoder();
  },
};
