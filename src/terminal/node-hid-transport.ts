import { ReaderError, READER_ERRORS } from '../card/reader-errors.js';
import type { ReaderProfile } from './profiles.js';
import type { ReportTransport, TransportOpener } from './transport.js';

/** The part of node-hid (v3) used here, so tests can hand in a stand-in at this lowest boundary. */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  serialNumber?: string | undefined;
  usagePage?: number | undefined;
  interface?: number | undefined;
}

export interface HidHandle {
  write(values: Buffer): Promise<number>;
  /** Resolves an empty buffer (or undefined) when nothing came within the timeout. */
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
  on(event: 'error', listener: (err: unknown) => void): unknown;
}

export interface NodeHid {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidHandle> };
}

export type NodeHidLoader = () => Promise<NodeHid>;

/**
 * node-hid is an optional dependency with a native binding (and, for the libusb build,
 * libusb-1.0 at run time): it is imported only when a real terminal is configured or listed.
 */
export const loadNodeHid: NodeHidLoader = async () => {
  try {
    const mod = (await import('node-hid')) as unknown as { default?: NodeHid } & NodeHid;
    return mod.default ?? mod;
  } catch (err) {
    throw unavailable(err);
  }
};

function unavailable(err: unknown): ReaderError {
  const message = err instanceof Error ? err.message : String(err);
  const hint = /libusb/.test(message) ? '; on Debian install the libusb-1.0-0 package' : '';
  return new ReaderError(READER_ERRORS.CONNECTION, `node-hid cannot be used: ${message}${hint}`, { transport: 'node-hid' });
}

export function matchesProfile(d: HidDeviceInfo, p: ReaderProfile): boolean {
  return d.vendorId === p.vendorId && d.productId === p.productId && (p.usagePage === undefined || d.usagePage === undefined || d.usagePage === p.usagePage);
}

/** Every attached HID device; loading the binding itself may fail (no libusb), reported as -11. */
export async function listHidDevices(load: NodeHidLoader = loadNodeHid): Promise<HidDeviceInfo[]> {
  const hid = await load();
  try {
    return await hid.devicesAsync();
  } catch (err) {
    throw unavailable(err);
  }
}

export class NodeHidOpener implements TransportOpener {
  constructor(private readonly profile: ReaderProfile, private readonly load: NodeHidLoader = loadNodeHid) {}

  async open(): Promise<ReportTransport> {
    const device = (await listHidDevices(this.load)).find((d) => matchesProfile(d, this.profile) && d.path);
    if (!device?.path) throw new ReaderError(READER_ERRORS.CONNECTION, 'no attached device matches the reader profile', { profile: this.profile.name });
    const hid = await this.load();
    try {
      return new NodeHidTransport(await hid.HIDAsync.open(device.path), this.profile.reportId);
    } catch (err) {
      // Typically EACCES on /dev/hidraw*: see the udev rule in devices/README.md.
      throw new ReaderError(READER_ERRORS.CONNECTION, `cannot open the reader: ${(err as Error).message}`, { profile: this.profile.name });
    }
  }

  async present(): Promise<boolean> {
    try {
      return (await listHidDevices(this.load)).some((d) => matchesProfile(d, this.profile));
    } catch {
      return false;
    }
  }
}

/**
 * One open hidraw/libusb handle. Unplugging shows up only as an `error` event or a failed
 * read ("could not read from HID device"); both make this transport dead for good, and the
 * link opens a new one once the device is back.
 */
class NodeHidTransport implements ReportTransport {
  private failure: ReaderError | null = null;

  constructor(private readonly handle: HidHandle, private readonly reportId: number) {
    handle.on('error', (err) => {
      this.failure = disconnected(err);
    });
  }

  alive(): boolean {
    return this.failure === null;
  }

  async write(report: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const out = Buffer.alloc(report.length + 1);
    out[0] = this.reportId;
    out.set(report, 1);
    try {
      await this.handle.write(out);
    } catch (err) {
      throw (this.failure = disconnected(err));
    }
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.failure) throw this.failure;
      let data: Buffer | undefined;
      try {
        data = await this.handle.read(Math.max(0, deadline - Date.now()));
      } catch (err) {
        throw (this.failure = disconnected(err));
      }
      if (!data || data.length === 0) return null;
      // With numbered reports the first byte read is the report ID; other reports are not ours.
      if (this.reportId === 0) return new Uint8Array(data);
      if (data[0] === this.reportId) return new Uint8Array(data.subarray(1));
      if (Date.now() >= deadline) return null;
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

function disconnected(err: unknown): ReaderError {
  return new ReaderError(READER_ERRORS.CONNECTION, `could not read from HID device: ${err instanceof Error ? err.message : String(err)}`, { transport: 'node-hid' });
}
