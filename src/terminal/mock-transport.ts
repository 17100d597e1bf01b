import { ReaderError, READER_ERRORS } from '../card/reader-errors.js';
import type { ReportTransport, TransportOpener } from './transport.js';

/** The device side of an in-process HID connection: implemented by the emulated terminal. */
export interface VirtualHidDevice {
  /** False while the terminal is unplugged: opening fails. */
  readonly attached: boolean;
  /** One host connection. The device answers through `toHost` and calls `unplugged` when it is pulled out. */
  connect(toHost: (report: Uint8Array) => void, unplugged: () => void): DeviceConnection;
}

export interface DeviceConnection {
  receive(report: Uint8Array): void;
  close(): void;
}

/**
 * The mock transport: the same raw reports as a USB HID device, exchanged in process. Tests
 * thereby run the very link, protocol and card code that talks to hardware.
 */
export class MockTransportOpener implements TransportOpener {
  constructor(private readonly device: VirtualHidDevice) {}

  async open(): Promise<ReportTransport> {
    if (!this.device.attached) throw new ReaderError(READER_ERRORS.CONNECTION, 'terminal not attached', { transport: 'mock' });
    return new MockTransport(this.device);
  }

  async present(): Promise<boolean> {
    return this.device.attached;
  }
}

class MockTransport implements ReportTransport {
  private readonly inbox: Uint8Array[] = [];
  private waiter: { resolve: (r: Uint8Array | null) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private gone = false;
  private readonly connection: DeviceConnection;

  constructor(device: VirtualHidDevice) {
    this.connection = device.connect((r) => this.deliver(r), () => this.unplugged());
  }

  alive(): boolean {
    return !this.gone;
  }

  async write(report: Uint8Array): Promise<void> {
    if (this.gone) throw disconnected();
    this.connection.receive(report.slice());
  }

  read(timeoutMs: number): Promise<Uint8Array | null> {
    const next = this.inbox.shift();
    if (next) return Promise.resolve(next);
    if (this.gone) return Promise.reject(disconnected());
    if (this.waiter) return Promise.reject(new Error('MockTransport: one read at a time'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, Math.max(0, timeoutMs));
      this.waiter = { resolve, reject, timer };
    });
  }

  async close(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.connection.close();
    this.settle((w) => w.resolve(null));
  }

  private deliver(report: Uint8Array): void {
    if (this.gone) return;
    if (this.waiter) this.settle((w) => w.resolve(report));
    else this.inbox.push(report);
  }

  private unplugged(): void {
    this.gone = true;
    this.inbox.length = 0;
    this.settle((w) => w.reject(disconnected()));
  }

  private settle(how: (w: NonNullable<MockTransport['waiter']>) => void): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    clearTimeout(w.timer);
    how(w);
  }
}

function disconnected(): ReaderError {
  return new ReaderError(READER_ERRORS.CONNECTION, 'could not read from HID device: disconnected', { transport: 'mock' });
}
