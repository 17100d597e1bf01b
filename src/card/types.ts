import type { Reason } from '../reasons.js';

/** What the chip says about the card and its holder. Full values live in memory only. */
export interface CardIdentity {
  /** First six characters of the card identification code: the issuing region. */
  regionCode: string;
  /** 卡识别码, 32 hex characters. */
  cardId: string;
  /** 卡号, 9 characters, e.g. X00000019. */
  cardNumber: string;
  cardType: string;
  specVersion: string;
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD */
  expiryDate: string;
  /** 社会保障号码 (the citizen ID number). */
  idNumber: string;
  name: string;
  /** '1' male, '2' female. */
  gender: string;
  /** YYYY-MM-DD */
  birthDate: string;
}

/** The card as it may leave the service: every personal field masked. */
export interface MaskedCard {
  regionCode: string;
  cardId: string;
  cardNumber: string;
  idNumber: string;
  name: string;
  specVersion: string;
  issueDate: string;
  expiryDate: string;
}

/** One card read at the counter: the identity when the chip answered, and what the chip itself says is wrong. */
export interface ChipRead {
  card?: CardIdentity;
  /** Chip-level findings (absent, unreadable, not genuine, expired, PIN state). */
  checks: Reason[];
}

export type PinOutcome =
  | { ok: true }
  | { ok: false; reason: Reason };
