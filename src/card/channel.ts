/**
 * What the card reader needs from the terminal hardware, whatever the transport and link
 * protocol (src/terminal implements it). Failures are thrown as ReaderError with the ministry
 * error number.
 */
export type SlotName = 'card' | 'psam';

export interface TerminalInfo {
  protocolVersion: number;
  cardPresent: boolean;
  psamPresent: boolean;
  keypad: boolean;
  /** 终端编号 and 终端设备号, as the ministry interface reports them with a card read. */
  terminalNumber: string;
  deviceNumber: string;
  model: string;
}

/**
 * PIN entry on the terminal keypad. The terminal collects the digits and sends the APDU to the
 * card itself: software supplies the APDU header and learns the status word, never the digits.
 * `defaults` are the region's default PINs (derived from public card data or fixed values);
 * the terminal reports whether the PIN typed equals one of them, still without revealing it.
 */
export interface PinEntry {
  kind: 'verify' | 'change';
  /** CLA INS P1 P2: 00 20 00 00 for VERIFY, 80 5E 01 00 for CHANGE PIN. */
  header: Uint8Array;
  defaults: readonly string[];
  timeoutSeconds: number;
}

export interface PinEntryResult {
  sw: number;
  /** The PIN typed (the old one, for a change) equals one of the supplied defaults. */
  typedDefault: boolean;
}

export interface CardChannel {
  info(): Promise<TerminalInfo>;
  /** Powers the slot and returns the answer to reset. */
  powerOn(slot: SlotName): Promise<Uint8Array>;
  powerOff(slot: SlotName): Promise<void>;
  /** Sends one command APDU and returns the raw response APDU (data then SW1 SW2). */
  transmit(slot: SlotName, apdu: Uint8Array): Promise<Uint8Array>;
  pinEntry(entry: PinEntry): Promise<PinEntryResult>;
  beep(ms: number): Promise<void>;
}

export interface LinkStatus {
  connected: boolean;
  info?: TerminalInfo;
  detail?: string;
}

/**
 * The terminal connection: exclusive, deadline-bounded use of a channel. The link re-opens the
 * device when it was unplugged and plugged again, so no restart is ever needed.
 */
export interface CardLink {
  readonly kind: string;
  run<T>(timeoutMs: number, op: (channel: CardChannel) => Promise<T>): Promise<T>;
  status(timeoutMs: number): Promise<LinkStatus>;
  close(): Promise<void>;
}
