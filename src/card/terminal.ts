import type { ChipRead, CardIdentity, PinOutcome } from './types.js';

export interface TerminalStatus {
  /** mock, or the reader profile name. */
  kind: string;
  connected: boolean;
  psamPresent: boolean;
  cardPresent: boolean;
  detail?: string;
}

/**
 * What the service needs from the counter terminal. Device faults (unplugged, timeout, no
 * PSAM) are thrown as ServiceFault with a system reason; what the card says is returned.
 */
export interface CardTerminal {
  read(): Promise<ChipRead>;
  /** The cardholder types the PIN on the terminal keypad; software never sees the digits. */
  verifyPin(card: CardIdentity): Promise<PinOutcome>;
  changePin(card: CardIdentity): Promise<PinOutcome>;
  status(): Promise<TerminalStatus>;
  close(): Promise<void>;
  /** Present on the mock terminal only: insert and remove virtual cards. */
  readonly dev?: VirtualCardSlot;
}

export interface VirtualCardSlot {
  scenarios(): string[];
  insert(scenario: string): void;
  remove(): void;
  inserted(): string | null;
  /** What the virtual cardholder types at the next PIN prompts, one entry per prompt ('cancel' presses cancel); afterwards the card file's keypadEntry. */
  keypad(entries: string[]): void;
  inject(fault: TerminalFault): void;
  /** Clears every pending fault, plugs the terminal back in and puts the PSAM back. */
  clearFaults(): void;
  /** Faults injected and not yet spent, plus the standing ones (unplugged, PSAM removed). */
  faults(): TerminalFault[];
}

export const FAULT_KINDS = ['unplug', 'replug', 'pull-card', 'garble', 'truncate', 'slow', 'remove-psam', 'insert-psam'] as const;

/** A fault the emulated terminal plays at the byte level, for tests and demonstrations. */
export interface TerminalFault {
  kind: (typeof FAULT_KINDS)[number];
  /** Link exchanges (pull-card: card APDUs) still answered normally before the fault strikes; default 0. */
  after?: number;
  /** How many answers a garble, truncate or slow fault spoils; default 1. */
  count?: number;
  /** slow: how late each answer comes. */
  delayMs?: number;
  /** unplug: the device goes quiet instead of failing reads, as some USB stacks report a removal. */
  silent?: boolean;
}
