import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReaderError } from '../../src/card/reader-errors.js';
import { HidLink } from '../../src/terminal/hid-link.js';
import { CODECS, PROTOCOL_NAMES } from '../../src/terminal/link/codecs.js';
import { CMD, MAX_PAYLOAD, type DecodeEvent, type LinkFrame } from '../../src/terminal/link/frame.js';
import { loadProfile } from '../../src/terminal/profiles.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadTerminalSetup } from '../../src/emulator/terminal-setup.js';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { VirtualTerminal } from '../../src/emulator/virtual-terminal.js';
import type { ReportTransport } from '../../src/terminal/transport.js';

/** Link frames and HID reports: random, mutated and cut-short input never crashes a decoder or the link. */
const protocol = fc.constantFrom(...PROTOCOL_NAMES);
const frameArb = fc.record({
  cmd: fc.integer({ min: 0, max: 255 }),
  seq: fc.integer({ min: 0, max: 255 }),
  slot: fc.integer({ min: 0, max: 255 }),
  status: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: MAX_PAYLOAD }),
});
const sizeFor = (p: keyof typeof CODECS) => fc.integer({ min: CODECS[p].minReportSize, max: 128 });

function decodeAll(p: keyof typeof CODECS, size: number, reports: Uint8Array[]): DecodeEvent[] {
  const d = CODECS[p].decoder(size);
  return reports.flatMap((r) => d.push(r));
}
const framesOf = (events: DecodeEvent[]) => events.flatMap((e) => ('frame' in e ? [e.frame] : []));
const withoutSeq = (p: keyof typeof CODECS, f: LinkFrame): LinkFrame => (CODECS[p].sequenced ? f : { cmd: f.cmd, slot: f.slot, status: f.status, payload: f.payload });

describe('link codecs under fuzzing', () => {
  it('round-trips every frame through reports of any size', () => {
    fc.assert(fc.property(protocol.chain((p) => fc.tuple(fc.constant(p), sizeFor(p), frameArb)), ([p, size, f]) => {
      const reports = CODECS[p].encode(f, size);
      expect(reports.every((r) => r.length === size)).toBe(true);
      expect(decodeAll(p, size, reports)).toEqual([{ frame: withoutSeq(p, f) }]);
    }));
  });

  it('random reports only ever yield frames or coded "garbled" events', () => {
    fc.assert(fc.property(protocol.chain((p) => fc.tuple(fc.constant(p), sizeFor(p))).chain(([p, size]) => fc.tuple(fc.constant(p), fc.constant(size), fc.array(fc.uint8Array({ minLength: 0, maxLength: size }), { maxLength: 40 }))), ([p, size, reports]) => {
      for (const e of decodeAll(p, size, reports)) {
        if ('garbled' in e) expect(typeof e.garbled).toBe('string');
        else expect(e.frame.payload.length).toBeLessThanOrEqual(MAX_PAYLOAD);
      }
    }));
  });

  it('a mutated frame (bit flip, cut, dropped or duplicated report, garbage) never decodes as a different frame', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    );
    fc.assert(fc.property(protocol.chain((p) => fc.tuple(fc.constant(p), sizeFor(p), frameArb, mutation)), ([p, size, f, m]) => {
      let reports = CODECS[p].encode(f, size).map((r) => r.slice());
      const i = 'at' in m ? m.at % reports.length : 0;
      if (m.kind === 'flip') {
        const r = reports[i]!;
        const at = m.at % r.length;
        r[at] = r[at]! ^ (1 << m.bit);
      } else if (m.kind === 'cut') reports[i] = reports[i]!.subarray(0, m.at % reports[i]!.length);
      else if (m.kind === 'drop') reports.splice(i, 1);
      else if (m.kind === 'dup') reports.splice(i, 0, reports[i]!);
      else {
        const bytes = m.bytes.subarray(0, size - 1);
        const junk = new Uint8Array(size);
        junk[0] = p === 'huada-serial' ? bytes.length : 0x80;
        junk.set(bytes, 1);
        reports = [junk, ...reports];
      }
      const expected = withoutSeq(p, f);
      for (const got of framesOf(decodeAll(p, size, reports))) expect(got).toEqual(expected);
    }));
  });
});

describe('the emulated terminal against a host that sends anything', () => {
  it('answers every well-framed request with its response frame and never fails inside', async () => {
    const devicesDir = path.join(PROJECT_ROOT, 'devices');
    const request = fc.record({
      cmd: fc.oneof(fc.constantFrom(...Object.values(CMD).filter((c) => c !== CMD.REPEAT)), fc.integer({ min: 0, max: 0x7f }).filter((c) => c !== CMD.REPEAT)),
      seq: fc.integer({ min: 0, max: 255 }),
      slot: fc.oneof(fc.constantFrom(0x00, 0x01, 0x11), fc.integer({ min: 0, max: 255 })),
      status: fc.constant(0),
      payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x0f, 0x73, 0x78, 0x31, 0x2e, 0x73, 0x68, 0x2e, 0xc9, 0xe7, 0xbb, 0xe1, 0xb1, 0xa3, 0xd5, 0xcf), Uint8Array.of(0x1e, 0x01, 0x12, 0x34, 0x56, 0x00, 0x20, 0x00, 0x00))),
    });
    await fc.assert(fc.asyncProperty(protocol, fc.array(request, { minLength: 1, maxLength: 12 }), async (p, requests) => {
      const profile = loadProfile(devicesDir, p === 'guard-link' ? 'guard-usb64' : 'huada-hid');
      const device = new VirtualTerminal({ profile, setup: loadTerminalSetup(devicesDir), cards: loadVirtualCards(devicesDir) });
      device.slot.insert('normal');
      const answers: LinkFrame[] = [];
      const decoder = CODECS[p].decoder(64);
      const conn = device.connect((r) => {
        for (const ev of decoder.push(r)) if ('frame' in ev) answers.push(ev.frame);
      }, () => {});
      for (const req of requests) for (const r of CODECS[p].encode(req, 64)) conn.receive(r);
      await new Promise((r) => setImmediate(r));
      expect(device.faultsSeen).toEqual([]);
      expect(answers.map((a) => [a.cmd, a.slot])).toEqual(requests.map((r) => [r.cmd | 0x80, r.slot]));
    }), { numRuns: Math.min(300, Number(process.env['NUM_RUNS'] ?? 300)) });
  });
});

describe('the host link against a terminal that answers garbage', () => {
  it('fails with a ReaderError or succeeds, never anything else, and never past its deadline budget', async () => {
    await fc.assert(fc.asyncProperty(protocol, fc.array(fc.uint8Array({ minLength: 0, maxLength: 64 }), { maxLength: 12 }), async (p, answers) => {
      const queue = answers.slice();
      const transport: ReportTransport = {
        write: async () => {},
        read: async (ms) => queue.shift() ?? (await new Promise<null>((r) => setTimeout(() => r(null), Math.min(ms, 5)))),
        close: async () => {},
        alive: () => true,
      };
      const link = new HidLink({ kind: 'fuzz', opener: { open: async () => transport, present: async () => true }, codec: CODECS[p], profile: { reportSize: 64, slots: { card: 1, psam: 0x11 } }, interReportGapMs: 1 });
      try {
        await link.run(20, async (ch) => {
          await ch.info();
          await ch.transmit('card', Uint8Array.of(0, 0xb2, 1, 0, 0));
        });
      } catch (err) {
        expect(err).toBeInstanceOf(ReaderError);
        expect([-2, -3, -4, -11, -13, -14, -15, -31, -32, -33, -34, -36, -2201]).toContain((err as ReaderError).code);
      }
    }), { numRuns: Math.min(100, Number(process.env['NUM_RUNS'] ?? 100)) });
  });
});
