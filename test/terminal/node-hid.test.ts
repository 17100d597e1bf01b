import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ReaderTerminal } from '../../src/card/reader-terminal.js';
import { loadTerminalSetup } from '../../src/emulator/terminal-setup.js';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { VirtualTerminal } from '../../src/emulator/virtual-terminal.js';
import { createTerminal } from '../../src/terminal/create-terminal.js';
import { formatDeviceListing, listDevices } from '../../src/terminal/device-list.js';
import { HidLink } from '../../src/terminal/hid-link.js';
import { CODECS } from '../../src/terminal/link/codecs.js';
import { NodeHidOpener, type HidDeviceInfo, type HidHandle, type NodeHid } from '../../src/terminal/node-hid-transport.js';
import { loadProfile, type ReaderProfile } from '../../src/terminal/profiles.js';
import { devicesDir } from './emulated.js';

/**
 * A stand-in for node-hid at the lowest boundary: the emulated terminal behind hidapi's calling
 * convention (report-ID byte first on write; on read too when the device numbers its reports).
 */
function fakeNodeHid(profile: ReaderProfile) {
  const cards = loadVirtualCards(devicesDir);
  const device = new VirtualTerminal({ profile, setup: loadTerminalSetup(devicesDir), cards });
  const info: HidDeviceInfo = { vendorId: profile.vendorId, productId: profile.productId, path: '/dev/hidraw7', manufacturer: 'Test', product: 'Virtual reader', usagePage: 0xff00 };
  const writes: Buffer[] = [];
  const hid: NodeHid = {
    devicesAsync: async () => (device.attached ? [{ vendorId: 0x046d, productId: 0xc52b, path: '/dev/hidraw0', product: 'Receiver' }, info] : []),
    HIDAsync: {
      open: async (path) => {
        if (path !== info.path || !device.attached) throw new Error('cannot open device with path ' + path);
        const inbox: Buffer[] = [];
        let failed: Error | null = null;
        const events = new EventEmitter();
        const conn = device.connect(
          (r) => inbox.push(profile.reportId ? Buffer.concat([Buffer.of(profile.reportId), r]) : Buffer.from(r)),
          () => {
            failed = new Error('could not read data from device');
            events.emit('error', failed);
          },
        );
        const handle: HidHandle = {
          write: async (values) => {
            if (failed) throw failed;
            writes.push(values);
            conn.receive(new Uint8Array(values.subarray(1)));
            return values.length;
          },
          read: async (timeout = 0) => {
            const end = Date.now() + timeout;
            while (inbox.length === 0 && !failed && Date.now() < end) await new Promise((r) => setTimeout(r, 1));
            if (failed) throw failed;
            return inbox.shift() ?? Buffer.alloc(0);
          },
          close: async () => conn.close(),
          on: (event, listener) => events.on(event, listener),
        };
        return handle;
      },
    },
  };
  return { hid, device, writes };
}

describe('node-hid transport (against a stand-in binding)', () => {
  it('reads a card through a real-reader profile: report ID 0 written first, matched by vendor/product ID', async () => {
    const profile = loadProfile(devicesDir, 'guard-usb64');
    const { hid, device, writes } = fakeNodeHid(profile);
    const terminal = createTerminal({ terminal: 'guard-usb64', devicesDir, terminalTimeoutMs: 2000, pinEntrySeconds: 5, initialPinRules: [], cards: new Map(), loadNodeHid: async () => hid });
    expect(terminal.dev).toBeUndefined();
    device.slot.insert('normal');
    const read = await terminal.read();
    expect(read.card?.name).toBe('孙八');
    expect(writes.every((w) => w.length === 65 && w[0] === 0)).toBe(true);
    expect(await terminal.status()).toMatchObject({ kind: 'guard-usb64', connected: true });
    await terminal.close();
  });

  it('strips a non-zero report ID from what it reads, and unplugging surfaces as TERMINAL_UNAVAILABLE until re-plugged', async () => {
    const profile = { ...loadProfile(devicesDir, 'huada-hid'), reportId: 2 };
    const { hid, device, writes } = fakeNodeHid(profile);
    const link = new HidLink({ kind: profile.name, opener: new NodeHidOpener(profile, async () => hid), codec: CODECS[profile.protocol], profile });
    const terminal = new ReaderTerminal({ link, timeoutMs: 2000, pinEntrySeconds: 5, initialPinRules: [] });
    device.slot.insert('expired');
    expect((await terminal.read()).checks.map((c) => c.code)).toEqual(['CARD_EXPIRED']);
    expect(writes.every((w) => w[0] === 2)).toBe(true);
    device.slot.inject({ kind: 'unplug', after: 3 });
    await expect(terminal.read()).rejects.toMatchObject({ reason: { code: 'TERMINAL_UNAVAILABLE', detail: { readerError: -11 } } });
    await expect(terminal.read()).rejects.toMatchObject({ reason: { code: 'TERMINAL_UNAVAILABLE', detail: { profile: 'huada-hid' } } });
    device.slot.inject({ kind: 'replug' });
    expect((await terminal.read()).card?.cardNumber).toBe('X00000021');
  });

  it('a missing native binding is TERMINAL_UNAVAILABLE with the libusb hint, and the service still starts', async () => {
    const terminal = createTerminal({
      terminal: 'guard-usb64', devicesDir, terminalTimeoutMs: 500, pinEntrySeconds: 5, initialPinRules: [], cards: new Map(),
      loadNodeHid: async () => ({ devicesAsync: async () => { throw new Error('libusb-1.0.so.0: cannot open shared object file'); }, HIDAsync: { open: async () => { throw new Error('unreachable'); } } }),
    });
    await expect(terminal.read()).rejects.toMatchObject({ reason: { code: 'TERMINAL_UNAVAILABLE' } });
    const status = await terminal.status();
    expect(status).toMatchObject({ kind: 'guard-usb64', connected: false });
    expect(status.detail).toMatch(/libusb-1\.0-0/);
  });
});

describe('device list', () => {
  it('shows attached devices with the profile that matches each', async () => {
    const { hid } = fakeNodeHid(loadProfile(devicesDir, 'guard-usb64'));
    const listing = await listDevices(devicesDir, async () => hid);
    expect(listing.devices.map((d) => [d.path, d.profiles])).toEqual([['/dev/hidraw0', []], ['/dev/hidraw7', ['guard-usb64']]]);
    const text = formatDeviceListing(listing);
    expect(text).toContain('0x1209:0x0001  Test Virtual reader  /dev/hidraw7  profile: guard-usb64');
    expect(text).toContain('huada-hid');
  });

  it('says why when node-hid cannot be loaded', async () => {
    const listing = await listDevices(devicesDir, async () => {
      throw new (await import('../../src/card/reader-errors.js')).ReaderError(-11, 'node-hid cannot be used: libusb missing; on Debian install the libusb-1.0-0 package');
    });
    expect(listing.problem).toMatch(/libusb-1\.0-0/);
    expect(formatDeviceListing(listing)).toMatch(/^cannot list HID devices: node-hid cannot be used/);
  });
});
