import { describe, expect, it } from 'vitest';
import { crc16, guardLink } from '../../src/terminal/link/guard-link.js';
import { huadaSerial } from '../../src/terminal/link/huada-serial.js';
import type { LinkFrame } from '../../src/terminal/link/frame.js';

const frame = (payloadLength: number, over: Partial<LinkFrame> = {}): LinkFrame => ({
  cmd: 0x12, seq: 7, slot: 0x01, status: 0, payload: Uint8Array.from({ length: payloadLength }, (_, i) => (i * 37) & 0xff), ...over,
});
const frames = (events: ReturnType<ReturnType<typeof guardLink.decoder>['push']>) => events.flatMap((e) => ('frame' in e ? [e.frame] : []));
const garbles = (events: ReturnType<ReturnType<typeof guardLink.decoder>['push']>) => events.flatMap((e) => ('garbled' in e ? [e.garbled] : []));

describe('guard-link', () => {
  it('uses CRC-16/CCITT-FALSE (check value 29B1)', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it('frames a short request into one padded 64-byte report', () => {
    const [report, ...rest] = guardLink.encode({ cmd: 0x01, seq: 1, slot: 0, status: 0, payload: new Uint8Array(0) }, 64);
    expect(rest).toEqual([]);
    expect(report!.length).toBe(64);
    expect(Buffer.from(report!.subarray(0, 9)).toString('hex')).toBe('80010100000000e1e1');
    expect(report!.subarray(9).every((b) => b === 0)).toBe(true);
  });

  it('splits a long frame over numbered continuation reports and reassembles it', () => {
    const f = frame(300);
    const reports = guardLink.encode(f, 64);
    expect(reports.map((r) => r[0])).toEqual([0x80, 1, 2, 3, 4]);
    const d = guardLink.decoder(64);
    const out = reports.flatMap((r) => frames(d.push(r)));
    expect(out).toEqual([f]);
    expect(d.partial).toBe(false);
  });

  it('reports a checksum mismatch, a missing first report and out-of-order continuations as garbled', () => {
    const d = guardLink.decoder(64);
    const [one] = guardLink.encode(frame(10), 64);
    const bad = one!.slice();
    bad[8] = bad[8]! ^ 0xff;
    expect(garbles(d.push(bad))).toEqual(['checksum mismatch']);
    const long = guardLink.encode(frame(200), 64);
    expect(garbles(d.push(long[1]!))).toEqual(['continuation without a first report']);
    d.push(long[0]!);
    expect(garbles(d.push(long[2]!))).toEqual(['continuation out of order']);
    expect(d.partial).toBe(false);
  });

  it('drops a half frame when a new one starts, and ignores idle all-zero reports', () => {
    const d = guardLink.decoder(64);
    const long = guardLink.encode(frame(200), 64);
    d.push(long[0]!);
    expect(d.push(new Uint8Array(64))).toEqual([{ garbled: 'continuation out of order' }]);
    const [short] = guardLink.encode(frame(3), 64);
    d.push(long[0]!);
    const events = d.push(short!);
    expect(garbles(events)).toEqual(['frame abandoned before its last report']);
    expect(frames(events)).toEqual([frame(3)]);
    expect(guardLink.decoder(64).push(new Uint8Array(64))).toEqual([]);
  });

  it('refuses lengths above the maximum without waiting for them', () => {
    const report = new Uint8Array(64);
    report.set([0x80, 0x12, 0, 1, 0, 0xff, 0xff]);
    expect(guardLink.decoder(64).push(report)).toEqual([{ garbled: 'length 65535 above maximum' }]);
  });
});

describe('huada-serial', () => {
  it('builds the documented frame: sync, LEN = data + 4 little-endian, status, data, XOR from offset 4, BB', () => {
    const [report] = huadaSerial.encode({ cmd: 0x10, slot: 0x01, status: 0, payload: new Uint8Array(0) }, 64);
    expect(Buffer.from(report!.subarray(0, 12)).toString('hex')).toBe('0bfafbfcfd060000100117bb');
    // XOR of 06 00 00 10 01
    expect(0x06 ^ 0x00 ^ 0x00 ^ 0x10 ^ 0x01).toBe(0x17);
  });

  it('carries a stream across reports, whatever the report boundaries', () => {
    const f = frame(150, { seq: undefined });
    const reports = huadaSerial.encode(f, 32);
    expect(reports.length).toBeGreaterThan(1);
    const d = huadaSerial.decoder(32);
    const out = reports.flatMap((r) => frames(d.push(r)));
    expect(out).toEqual([{ ...f, seq: undefined }].map(({ seq: _s, ...rest }) => rest));
  });

  it('resynchronises after garbage and after a frame with a bad XOR', () => {
    const good = { cmd: 0x92, slot: 0x01, status: 0, payload: Uint8Array.of(0x90, 0x00) };
    const bytes = [...huadaSerial.encode(good, 64)[0]!.subarray(1, 14)];
    const broken = bytes.slice();
    broken[10] = broken[10]! ^ 0x01;
    const stream = Uint8Array.from([0x11, 0x22, 0xfa, ...broken, ...bytes]);
    const d = huadaSerial.decoder(64);
    const report = new Uint8Array(64);
    report[0] = stream.length;
    report.set(stream, 1);
    const events = d.push(report);
    expect(frames(events)).toEqual([good]);
    expect(garbles(events).length).toBeGreaterThan(0);
    expect(d.partial).toBe(false);
  });

  it('refuses a report claiming more bytes than it holds', () => {
    const report = new Uint8Array(16);
    report[0] = 40;
    expect(huadaSerial.decoder(16).push(report)).toEqual([{ garbled: 'report byte count 40 too large' }]);
  });
});
