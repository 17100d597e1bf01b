import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReaderError } from '../../src/card/reader-errors.js';
import { ConfigError } from '../../src/config.js';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { createTerminal } from '../../src/terminal/create-terminal.js';
import { HidLink } from '../../src/terminal/hid-link.js';
import { CMD, RESPONSE, type LinkFrame } from '../../src/terminal/link/frame.js';
import { guardLink } from '../../src/terminal/link/guard-link.js';
import { loadProfile, loadProfiles, ProfileError } from '../../src/terminal/profiles.js';
import type { ReportTransport } from '../../src/terminal/transport.js';
import { devicesDir } from './emulated.js';

/** A transport whose terminal answers each request with the frames `answer` returns. */
function scripted(answer: (req: LinkFrame, n: number) => Uint8Array[]) {
  const inbox: Uint8Array[] = [];
  const requests: LinkFrame[] = [];
  const decoder = guardLink.decoder(64);
  const transport: ReportTransport = {
    write: async (r) => {
      for (const ev of decoder.push(r)) if ('frame' in ev) {
        requests.push(ev.frame);
        inbox.push(...answer(ev.frame, requests.length));
      }
    },
    read: async (ms) => inbox.shift() ?? (await new Promise<null>((r) => setTimeout(() => r(null), Math.min(ms, 20)))),
    close: async () => {},
    alive: () => true,
  };
  const link = new HidLink({ kind: 'test', opener: { open: async () => transport, present: async () => true }, codec: guardLink, profile: { reportSize: 64, slots: { card: 1, psam: 0x11 } } });
  return { link, requests };
}
const reply = (req: LinkFrame, over: Partial<LinkFrame> = {}) => guardLink.encode({ cmd: req.cmd | RESPONSE, seq: req.seq, slot: req.slot, status: 0, payload: Uint8Array.of(0x90, 0x00), ...over }, 64);

describe('the host link', () => {
  it('drops a late answer (stale sequence number) and takes the one it waits for', async () => {
    const { link } = scripted((req) => [...reply(req, { seq: (req.seq! - 1) & 0xff, payload: Uint8Array.of(0x6a, 0x82) }), ...reply(req)]);
    const answer = await link.run(500, (ch) => ch.transmit('card', Uint8Array.of(0, 0xb2, 1, 0, 0)));
    expect([...answer]).toEqual([0x90, 0x00]);
  });

  it('asks again (REPEAT, same SEQ) when a report has the wrong size or a bad checksum', async () => {
    const { link, requests } = scripted((_req, n) => (n === 1 ? [new Uint8Array(10)] : reply(requests[0]!)));
    await link.run(500, (ch) => ch.transmit('card', Uint8Array.of(0, 0x84, 0, 0, 8)));
    expect(requests.map((r) => [r.cmd, r.seq])).toEqual([[CMD.APDU, 1], [CMD.REPEAT, 1]]);
  });

  it('lets one operation hold the terminal: another waits, status reports the last known state', async () => {
    const { link } = scripted((req) => reply(req, { payload: req.cmd === CMD.INFO ? Uint8Array.of(1, 3, 1, 0x41, 1, 0x42, 1, 0x43) : Uint8Array.of(0x90, 0) }));
    expect(await link.status(200)).toMatchObject({ connected: true, info: { cardPresent: true, psamPresent: true, terminalNumber: 'A' } });
    let release!: () => void;
    const holding = link.run(2000, () => new Promise<void>((r) => (release = r)));
    expect(await link.status(200)).toMatchObject({ connected: true });
    await expect(link.run(50, (ch) => ch.info())).rejects.toMatchObject({ code: -32, message: '-32 terminal busy with another operation' });
    release();
    await holding;
    expect((await link.run(200, (ch) => ch.info())).model).toBe('C');
  });

  it('turns a malformed INFO or PIN answer into -11, not a crash', async () => {
    const { link } = scripted((req) => reply(req, { payload: Uint8Array.of(1) }));
    await expect(link.run(200, (ch) => ch.info())).rejects.toBeInstanceOf(ReaderError);
    await expect(link.run(200, (ch) => ch.pinEntry({ kind: 'verify', header: Uint8Array.of(0, 0x20, 0, 0), defaults: [], timeoutSeconds: 5 }))).rejects.toMatchObject({ code: -11 });
  });
});

describe('reader profiles', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'guard-profiles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: object) => {
    mkdirSync(path.join(dir, 'profiles'), { recursive: true });
    writeFileSync(path.join(dir, 'profiles', `${name}.json`), JSON.stringify(body));
  };

  it('ships valid profiles for both protocols', () => {
    expect(loadProfiles(devicesDir).map((p) => [p.name, p.protocol, p.slots])).toEqual([
      ['guard-usb64', 'guard-link', { card: 1, psam: 0x11 }],
      ['huada-hid', 'huada-serial', { card: 1, psam: 0x11 }],
    ]);
    expect(() => loadProfile(devicesDir, 'nope')).toThrow(ProfileError);
  });

  it('TERMINAL=mock:<profile> runs the emulator in that protocol; an unknown profile stops the start with a clear message', async () => {
    const terminal = createTerminal({ terminal: 'mock:huada-hid', devicesDir, terminalTimeoutMs: 1000, pinEntrySeconds: 5, initialPinRules: [], cards: loadVirtualCards(devicesDir) });
    terminal.dev!.insert('normal');
    expect((await terminal.read()).card?.cardNumber).toBe('X00000019');
    expect(await terminal.status()).toMatchObject({ kind: 'mock', connected: true });
    expect(() => createTerminal({ terminal: 'acme-9000', devicesDir, terminalTimeoutMs: 1000, pinEntrySeconds: 5, initialPinRules: [], cards: new Map() })).toThrow(ConfigError);
  });

  it('refuses a profile with an unknown protocol, a name unlike its file, or reports too small', () => {
    const base = { name: 'x', description: 'd', vendorId: '0x1234', productId: '0x5678', reportSize: 64, reportId: 0, protocol: 'guard-link', slots: { card: '0x01', psam: '0x11' }, keypad: true };
    write('x', { ...base, protocol: 'ccid' });
    expect(() => loadProfiles(dir)).toThrow(/protocol/);
    write('x', { ...base, name: 'y' });
    expect(() => loadProfiles(dir)).toThrow(/must match the file name/);
    write('x', { ...base, reportSize: 8 });
    expect(() => loadProfiles(dir)).toThrow(/at least 16 bytes/);
  });
});
