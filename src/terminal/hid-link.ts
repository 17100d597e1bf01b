import type { CardChannel, CardLink, LinkStatus, PinEntry, PinEntryResult, SlotName, TerminalInfo } from '../card/channel.js';
import { KeypadRefusal, ReaderError, READER_ERRORS as E } from '../card/reader-errors.js';
import { CMD, isResponseTo, STATUS, type FrameDecoder, type LinkCodec, type LinkFrame } from './link/frame.js';
import { decodeInfo, decodePinResult, encodePinRequest } from './link/messages.js';
import type { ReaderProfile } from './profiles.js';
import type { ReportTransport, TransportOpener } from './transport.js';

export interface HidLinkOptions {
  /** `mock` or the reader profile name, as /health shows it. */
  kind: string;
  opener: TransportOpener;
  codec: LinkCodec;
  profile: Pick<ReaderProfile, 'reportSize' | 'slots'>;
  /** How long the rest of a frame may take once its first report came. */
  interReportGapMs?: number;
  /** Connection changes (opened, lost), for the service log. Never given frame bytes. */
  log?: (message: string, detail: Record<string, unknown>) => void;
}

/** Garbled answers are asked for again (REPEAT) this many times before the link gives up with -15. */
const MAX_REPEATS = 2;
const EMPTY = new Uint8Array(0);
/** Errors after which the connection is not trusted any more and is opened afresh next time. */
const FATAL: ReadonlySet<number> = new Set([E.CONNECTION, E.TIMEOUT, E.CHECKSUM]);

/**
 * The host side of the terminal link over any report transport and codec. One operation at a
 * time, each bounded by its deadline. A lost or silent device is closed; the next operation
 * opens it again, which is all hot-plugging takes.
 */
export class HidLink implements CardLink {
  readonly kind: string;
  private transport: ReportTransport | null = null;
  private decoder: FrameDecoder;
  private seq = 0;
  private tail: Promise<void> = Promise.resolve();
  /** Operations running or waiting for the terminal. */
  private busy = 0;
  private last: LinkStatus = { connected: false, detail: 'not opened yet' };

  constructor(private readonly options: HidLinkOptions) {
    this.kind = options.kind;
    this.decoder = options.codec.decoder(options.profile.reportSize);
  }

  async run<T>(timeoutMs: number, op: (channel: CardChannel) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    this.busy++;
    try {
      const release = await this.acquire(deadline);
      try {
        const transport = await this.open();
        return await op(new LinkChannel(this, transport, deadline));
      } finally {
        release();
      }
    } finally {
      this.busy--;
    }
  }

  async status(timeoutMs: number): Promise<LinkStatus> {
    // A cardholder typing a PIN holds the terminal for many seconds: report what was last known.
    if (this.busy > 0) return this.last;
    try {
      const info = await this.run(timeoutMs, (ch) => ch.info());
      this.last = { connected: true, info };
    } catch (err) {
      if (!(err instanceof ReaderError)) throw err;
      this.last = { connected: false, detail: err.message };
    }
    return this.last;
  }

  async close(): Promise<void> {
    await this.drop();
  }

  /** One request, one response, within the deadline; garbled answers are asked for again. */
  async exchange(transport: ReportTransport, cmd: number, slot: number, payload: Uint8Array, deadline: number): Promise<LinkFrame> {
    const { codec, profile } = this.options;
    this.seq = (this.seq + 1) & 0xff;
    const request: LinkFrame = { cmd, seq: this.seq, slot, status: 0, payload };
    await this.send(transport, request);
    for (let repeats = 0; ;) {
      const left = deadline - Date.now();
      if (left <= 0) return this.timedOut();
      const report = await transport.read(this.decoder.partial ? Math.min(left, this.options.interReportGapMs ?? 100) : left);
      let garbled: string | undefined;
      if (report === null) {
        if (!this.decoder.partial) return this.timedOut();
        this.decoder.reset();
        garbled = 'frame cut short';
      } else {
        if (report.length !== profile.reportSize) garbled = `report of ${report.length} bytes`;
        else {
          for (const ev of this.decoder.push(report)) {
            if ('frame' in ev) {
              // Anything else is the late answer to a request that already timed out.
              if (isResponseTo(ev.frame, request, codec.sequenced)) return ev.frame;
            } else {
              garbled ??= ev.garbled;
            }
          }
        }
      }
      if (garbled !== undefined) {
        if (repeats++ >= MAX_REPEATS) throw new ReaderError(E.CHECKSUM, `garbled answer from the terminal: ${garbled}`);
        await this.send(transport, { cmd: CMD.REPEAT, seq: request.seq, slot, status: 0, payload: EMPTY });
      }
    }
  }

  slotId(slot: SlotName): number {
    return this.options.profile.slots[slot];
  }

  /** Called by the channel when the connection cannot be trusted any more. */
  async fail(err: ReaderError): Promise<void> {
    if (FATAL.has(err.code)) await this.drop(err.message);
  }

  private async send(transport: ReportTransport, frame: LinkFrame): Promise<void> {
    for (const report of this.options.codec.encode(frame, this.options.profile.reportSize)) await transport.write(report);
  }

  private async timedOut(): Promise<never> {
    await this.drop('no answer in time');
    if (!(await this.options.opener.present())) throw new ReaderError(E.CONNECTION, 'terminal unplugged: no answer and no longer attached');
    throw new ReaderError(E.TIMEOUT, 'terminal did not answer in time');
  }

  private async open(): Promise<ReportTransport> {
    // Unplugged while idle (and perhaps plugged back in since): start on a fresh handle.
    if (this.transport && !this.transport.alive()) await this.drop('device went away while idle');
    if (this.transport) return this.transport;
    try {
      this.transport = await this.options.opener.open();
    } catch (err) {
      if (err instanceof ReaderError) this.last = { connected: false, detail: err.message };
      throw err;
    }
    this.decoder.reset();
    this.options.log?.('card terminal connected', { terminal: this.kind });
    return this.transport;
  }

  private async drop(why?: string): Promise<void> {
    const t = this.transport;
    if (!t) return;
    this.transport = null;
    this.decoder.reset();
    this.last = { connected: false, detail: why ?? 'closed' };
    if (why) this.options.log?.('card terminal connection dropped; it is opened again on next use', { terminal: this.kind, why });
    await t.close().catch(() => undefined);
  }

  /** Exclusive use of the terminal; waiting for another operation counts against the deadline. */
  private acquire(deadline: number): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const before = this.tail;
    this.tail = before.then(() => mine);
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new ReaderError(E.TIMEOUT, 'terminal busy with another operation'));
      }, Math.max(0, deadline - Date.now()));
      void before.then(() => {
        clearTimeout(timer);
        if (late) release();
        else resolve(release);
      });
    });
  }
}

const SLOT_FAULTS: Readonly<Record<number, { card: number; psam: number }>> = {
  [STATUS.NO_CARD]: { card: E.NO_CARD, psam: E.NO_PSAM },
  [STATUS.MUTE]: { card: E.NO_ANSWER, psam: E.NO_PSAM },
  [STATUS.NOT_POWERED]: { card: E.NOT_POWERED, psam: E.NO_PSAM },
  [STATUS.REMOVED]: { card: E.NO_CARD, psam: E.NO_PSAM },
};

const STATUS_ERRORS: Readonly<Record<number, number>> = {
  [STATUS.BAD_SLOT]: E.BAD_PARAMETER,
  [STATUS.UNSUPPORTED]: E.UNSUPPORTED_COMMAND,
  [STATUS.BAD_PARAMETER]: E.BAD_PARAMETER,
  [STATUS.BAD_FRAME]: E.CHECKSUM,
};

/** The keypad ended the PIN entry; the terminal sent the card nothing. */
const KEYPAD_ERRORS: Readonly<Record<number, number>> = {
  [STATUS.KEYPAD_TIMEOUT]: E.TIMEOUT,
  [STATUS.KEYPAD_CANCELLED]: E.CANCELLED,
  [STATUS.PIN_LENGTH]: E.PIN_LENGTH,
  [STATUS.PINS_DIFFER]: E.PINS_DIFFER,
  [STATUS.NEW_PIN_IS_DEFAULT]: E.CHANGE_TO_INITIAL,
};

/** The terminal's status byte as a ministry error number. */
export function statusError(status: number, slot: SlotName | null): ReaderError {
  const message = `terminal status 0x${status.toString(16).padStart(2, '0')}`;
  const detail = { terminalStatus: status, ...(slot ? { slot } : {}) };
  const keypad = KEYPAD_ERRORS[status];
  if (keypad !== undefined) return new KeypadRefusal(keypad, message, detail);
  const bySlot = SLOT_FAULTS[status];
  return new ReaderError(bySlot ? bySlot[slot ?? 'card'] : STATUS_ERRORS[status] ?? E.CONNECTION, message, detail);
}

/** One operation's view of the link: the CardChannel the card reader drives. */
class LinkChannel implements CardChannel {
  private broken: ReaderError | null = null;

  constructor(private readonly link: HidLink, private readonly transport: ReportTransport, private readonly deadline: number) {}

  async info(): Promise<TerminalInfo> {
    const info = decodeInfo(await this.call(CMD.INFO, null, EMPTY));
    if (!info) throw new ReaderError(E.CONNECTION, 'malformed terminal information');
    return info;
  }

  async powerOn(slot: SlotName): Promise<Uint8Array> {
    const atr = await this.call(CMD.POWER_ON, slot, EMPTY);
    if (atr.length === 0) throw statusError(STATUS.MUTE, slot);
    return atr;
  }

  async powerOff(slot: SlotName): Promise<void> {
    await this.call(CMD.POWER_OFF, slot, EMPTY);
  }

  transmit(slot: SlotName, apdu: Uint8Array): Promise<Uint8Array> {
    return this.call(CMD.APDU, slot, apdu);
  }

  async pinEntry(entry: PinEntry): Promise<PinEntryResult> {
    const result = decodePinResult(await this.call(entry.kind === 'verify' ? CMD.PIN_VERIFY : CMD.PIN_CHANGE, 'card', encodePinRequest(entry)));
    if (!result) throw new ReaderError(E.CONNECTION, 'malformed PIN entry answer');
    return result;
  }

  async beep(ms: number): Promise<void> {
    await this.call(CMD.BEEP, null, Uint8Array.of(ms >> 8, ms & 0xff));
  }

  private async call(cmd: number, slot: SlotName | null, payload: Uint8Array): Promise<Uint8Array> {
    if (this.broken) throw this.broken;
    let frame: LinkFrame;
    try {
      frame = await this.link.exchange(this.transport, cmd, slot ? this.link.slotId(slot) : 0, payload, this.deadline);
    } catch (err) {
      if (err instanceof ReaderError && FATAL.has(err.code)) {
        this.broken = err;
        await this.link.fail(err);
      }
      throw err;
    }
    if (frame.status !== STATUS.OK) throw statusError(frame.status, slot);
    return frame.payload;
  }
}
