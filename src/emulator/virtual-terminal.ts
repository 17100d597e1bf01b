import { concat, fromHex } from '../card/apdu.js';
import type { SlotName } from '../card/channel.js';
import type { TerminalFault, VirtualCardSlot } from '../card/terminal.js';
import { ServiceFault } from '../reasons.js';
import { CODECS } from '../terminal/link/codecs.js';
import { CMD, RESPONSE, STATUS, type LinkCodec, type LinkFrame } from '../terminal/link/frame.js';
import { decodePinRequest, encodeInfo, encodePinResult, packPin, PROTOCOL_VERSION } from '../terminal/link/messages.js';
import type { DeviceConnection, VirtualHidDevice } from '../terminal/mock-transport.js';
import type { ReaderProfile } from '../terminal/profiles.js';
import type { TerminalSetup } from './terminal-setup.js';
import type { VirtualCard } from './virtual-cards.js';
import { VirtualChip } from './virtual-chip.js';
import { VirtualPsam } from './virtual-psam.js';

export interface VirtualTerminalOptions {
  profile: ReaderProfile;
  setup: TerminalSetup;
  cards: Map<string, VirtualCard>;
}

interface Connection {
  toHost: (report: Uint8Array) => void;
  unplugged: () => void;
  decoder: ReturnType<LinkCodec['decoder']>;
  last: LinkFrame | null;
  open: boolean;
}

type Pending = TerminalFault & { after: number; count: number };

const KEYPAD_ENTRY = /^(\d{4,12}|cancel|timeout)$/;

/**
 * The counter terminal's firmware, emulated: it speaks the profile's link protocol over raw HID
 * reports, holds a user-card slot, a PSAM slot and a keypad, and can misbehave on request
 * (unplugged, card pulled mid-read, garbled or truncated answers, slow answers, no PSAM).
 */
export class VirtualTerminal implements VirtualHidDevice {
  attached = true;
  /** Milliseconds spent inside the emulator (firmware, COS, SM4): what a benchmark subtracts. */
  busyMs = 0;
  /** Errors the emulated firmware itself ran into; tests expect none. */
  readonly faultsSeen: unknown[] = [];
  readonly slot: VirtualCardSlot;
  private readonly codec: LinkCodec;
  private readonly chips = new Map<string, VirtualChip>();
  private readonly psam: VirtualPsam;
  private psamPresent = true;
  private card: { scenario: string; chip: VirtualChip } | null = null;
  private readonly powered = { card: false, psam: false };
  private readonly keypadQueue: string[] = [];
  private faults: Pending[] = [];
  private readonly connections = new Set<Connection>();
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly options: VirtualTerminalOptions) {
    this.codec = CODECS[options.profile.protocol];
    const { psam } = options.setup;
    this.psam = new VirtualPsam({ atr: fromHex(psam.atr), algorithms: psam.algorithms, keys: { internalAuth: fromHex(psam.keys.internalAuth), externalAuth: fromHex(psam.keys.externalAuth) } });
    this.slot = {
      scenarios: () => [...options.cards.keys()],
      insert: (scenario) => this.insert(scenario),
      remove: () => this.removeCard(),
      inserted: () => this.card?.scenario ?? null,
      keypad: (entries) => {
        const bad = entries.find((e) => !KEYPAD_ENTRY.test(e));
        if (bad !== undefined) throw new ServiceFault('INVALID_REQUEST', { field: 'entries', message: 'each entry is 4 to 12 digits, "cancel" or "timeout"' });
        this.keypadQueue.splice(0, this.keypadQueue.length, ...entries);
      },
      inject: (fault) => this.inject(fault),
      clearFaults: () => {
        this.faults = [];
        this.psamPresent = true;
        if (!this.attached) this.plugIn();
      },
      faults: () => [
        ...this.faults.map(({ kind, after, count, delayMs, silent }) => ({ kind, after, count, ...(delayMs !== undefined ? { delayMs } : {}), ...(silent ? { silent } : {}) })),
        ...(this.attached ? [] : [{ kind: 'unplug' as const }]),
        ...(this.psamPresent ? [] : [{ kind: 'remove-psam' as const }]),
      ],
    };
  }

  connect(toHost: (report: Uint8Array) => void, unplugged: () => void): DeviceConnection {
    const conn: Connection = { toHost, unplugged, decoder: this.codec.decoder(this.options.profile.reportSize), last: null, open: true };
    this.connections.add(conn);
    return {
      receive: (report) => {
        // The firmware drops what it cannot decode; the host times out or asks again.
        for (const ev of conn.decoder.push(report)) if ('frame' in ev) this.enqueue(conn, ev.frame);
      },
      close: () => {
        conn.open = false;
        this.connections.delete(conn);
      },
    };
  }

  private insert(scenario: string): void {
    const file = this.options.cards.get(scenario);
    if (!file) throw new ServiceFault('INVALID_REQUEST', { field: 'scenario', message: `unknown scenario "${scenario}"` });
    // A physical card keeps its state (PIN tries, a changed PIN) when it is taken out and put back.
    let chip = this.chips.get(file.chip.ef05.cardId);
    if (!chip) {
      const { keys } = this.options.setup.psam;
      chip = new VirtualChip(file, { internalAuth: fromHex(keys.internalAuth), externalAuth: fromHex(keys.externalAuth) });
      this.chips.set(chip.cardId, chip);
    }
    this.card = { scenario, chip };
    this.powered.card = false;
  }

  private removeCard(): void {
    this.card = null;
    this.powered.card = false;
  }

  private inject(fault: TerminalFault): void {
    switch (fault.kind) {
      case 'replug':
        this.plugIn();
        return;
      case 'remove-psam':
        this.psamPresent = false;
        this.powered.psam = false;
        return;
      case 'insert-psam':
        this.psamPresent = true;
        return;
      default:
        if (fault.kind === 'unplug' && !fault.after) return this.unplug(fault.silent === true);
        this.faults.push({ ...fault, after: fault.after ?? 0, count: fault.count ?? 1 });
    }
  }

  private unplug(silent: boolean): void {
    this.attached = false;
    this.faults = this.faults.filter((f) => f.kind !== 'unplug');
    if (silent) return;
    for (const c of [...this.connections]) this.breakConnection(c);
  }

  /** A re-plugged device is a new device: connections from before stay dead. */
  private plugIn(): void {
    for (const c of [...this.connections]) this.breakConnection(c);
    this.attached = true;
    this.powered.card = false;
    this.powered.psam = false;
  }

  private breakConnection(c: Connection): void {
    c.open = false;
    this.connections.delete(c);
    c.unplugged();
  }

  private enqueue(conn: Connection, frame: LinkFrame): void {
    // A firmware fault must not stall every later frame: it fails this one, like a real device
    // that drops a request (the host times out and asks again).
    this.work = this.work.then(() => this.handle(conn, frame)).catch((err: unknown) => {
      this.faultsSeen.push(err);
    });
  }

  private async handle(conn: Connection, frame: LinkFrame): Promise<void> {
    if (!conn.open || !this.attached) return;
    const started = performance.now();
    let response: LinkFrame;
    if (frame.cmd === CMD.REPEAT) {
      if (!conn.last) return;
      response = conn.last;
    } else {
      const unplug = this.take('unplug');
      if (unplug) {
        this.unplug(unplug.silent === true);
        return;
      }
      response = this.execute(frame);
      conn.last = response;
    }
    // A noisy line spoils repeated answers as much as first ones.
    let reports = this.codec.encode(response, this.options.profile.reportSize);
    if (this.take('garble')) reports = garble(reports);
    if (this.take('truncate')) reports = truncate(reports);
    const delayMs = this.take('slow')?.delayMs ?? 0;
    if (frame.cmd !== CMD.REPEAT) this.tick(false);
    this.busyMs += performance.now() - started;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (!conn.open) return;
    for (const r of reports) conn.toHost(r);
  }

  /** Executes one request as the firmware would and builds its response. */
  private execute(req: LinkFrame): LinkFrame {
    const answer = (status: number, payload: Uint8Array = new Uint8Array(0)): LinkFrame => ({ cmd: req.cmd | RESPONSE, seq: req.seq, slot: req.slot, status, payload });
    const slot = req.slot === this.options.profile.slots.card ? 'card' : req.slot === this.options.profile.slots.psam ? 'psam' : null;
    switch (req.cmd) {
      case CMD.INFO:
        return answer(STATUS.OK, encodeInfo({
          protocolVersion: PROTOCOL_VERSION, cardPresent: this.card !== null, psamPresent: this.psamPresent, keypad: this.options.profile.keypad,
          terminalNumber: this.options.setup.terminalNumber, deviceNumber: this.options.setup.deviceNumber, model: this.options.setup.model,
        }));
      case CMD.BEEP:
        return answer(STATUS.OK);
      case CMD.POWER_ON: {
        if (!slot) return answer(STATUS.BAD_SLOT);
        if (!this.present(slot)) return answer(STATUS.NO_CARD);
        const atr = slot === 'card' ? this.card!.chip.powerOn() : this.psam.powerOn();
        if (!atr) return answer(STATUS.MUTE);
        this.powered[slot] = true;
        return answer(STATUS.OK, atr);
      }
      case CMD.POWER_OFF:
        if (!slot) return answer(STATUS.BAD_SLOT);
        this.powered[slot] = false;
        return answer(STATUS.OK);
      case CMD.APDU: {
        if (!slot) return answer(STATUS.BAD_SLOT);
        if (slot === 'card' && this.card && this.take('pull-card')) {
          this.removeCard();
          return answer(STATUS.REMOVED);
        }
        if (!this.present(slot)) return answer(STATUS.NO_CARD);
        if (!this.powered[slot]) return answer(STATUS.NOT_POWERED);
        if (req.payload.length < 4) return answer(STATUS.BAD_PARAMETER);
        if (slot === 'card') this.tick(true);
        return answer(STATUS.OK, slot === 'card' ? this.card!.chip.process(req.payload) : this.psam.process(req.payload));
      }
      case CMD.PIN_VERIFY:
      case CMD.PIN_CHANGE:
        return this.pinEntry(req, slot, answer);
      default:
        return answer(STATUS.UNSUPPORTED);
    }
  }

  /** The keypad: the terminal collects the digits and builds the APDU; the host learns only the SW. */
  private pinEntry(req: LinkFrame, slot: SlotName | null, answer: (status: number, payload?: Uint8Array) => LinkFrame): LinkFrame {
    const request = decodePinRequest(req.payload);
    if (!request || slot !== 'card' || !this.options.profile.keypad) return answer(slot === 'card' ? STATUS.BAD_PARAMETER : STATUS.BAD_SLOT);
    if (!this.card) return answer(STATUS.NO_CARD);
    if (!this.powered.card) return answer(STATUS.NOT_POWERED);
    const chip = this.card.chip;
    const change = req.cmd === CMD.PIN_CHANGE;
    const defaults = change ? [chip.holderPin, chip.newPinChoice, chip.newPinChoice] : [chip.holderPin];
    const typed: string[] = [];
    for (let i = 0; i < defaults.length; i++) {
      const entry = this.keypadQueue.shift() ?? defaults[i]!;
      if (entry === 'cancel') return answer(STATUS.KEYPAD_CANCELLED);
      if (entry === 'timeout') return answer(STATUS.KEYPAD_TIMEOUT);
      if (!/^\d{6}$/.test(entry)) return answer(STATUS.PIN_LENGTH);
      typed.push(entry);
    }
    const [first, next, confirm] = typed as [string, string?, string?];
    if (change) {
      if (next !== confirm) return answer(STATUS.PINS_DIFFER);
      if (request.defaults.includes(next!)) return answer(STATUS.NEW_PIN_IS_DEFAULT);
    }
    const body = change ? concat([packPin(first), Uint8Array.of(0xff), packPin(next!)]) : packPin(first);
    const rapdu = chip.process(concat([request.header, Uint8Array.of(body.length), body]));
    const sw = (rapdu[rapdu.length - 2]! << 8) | rapdu[rapdu.length - 1]!;
    if (change && sw === 0x9000) chip.holderPin = next!;
    return answer(STATUS.OK, encodePinResult({ sw, typedDefault: request.defaults.includes(first) }));
  }

  private present(slot: SlotName): boolean {
    return slot === 'card' ? this.card !== null : this.psamPresent;
  }

  /** The due fault of this kind (its `after` has run out), spending one of its strikes. */
  private take(kind: TerminalFault['kind']): Pending | undefined {
    const f = this.faults.find((x) => x.kind === kind && x.after <= 0);
    if (f && --f.count <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  /** One more exchange (or, for pull-card, one more card APDU) went by: waiting faults come closer. */
  private tick(cardApdu: boolean): void {
    for (const f of this.faults) if ((f.kind === 'pull-card') === cardApdu && f.after > 0) f.after--;
  }
}

/** Flips bits inside the frame of the first report, so its checksum no longer holds. */
function garble(reports: Uint8Array[]): Uint8Array[] {
  const out = reports.map((r) => r.slice());
  const first = out[0]!;
  const i = Math.min(7, first.length - 1);
  first[i] = first[i]! ^ 0x5a;
  return out;
}

/** Cuts the answer short: the last report never comes, or a single report loses its second half. */
function truncate(reports: Uint8Array[]): Uint8Array[] {
  if (reports.length > 1) return reports.slice(0, -1);
  const r = reports[0]!.slice();
  let end = r.length;
  while (end > 1 && r[end - 1] === 0) end--;
  r.fill(0, Math.max(2, Math.ceil(end / 2)));
  return [r];
}
