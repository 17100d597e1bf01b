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
}
