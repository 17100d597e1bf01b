import { reason, reasonVariant, ServiceFault, type Reason, type ReasonCode } from '../reasons.js';

/**
 * The error numbers of the ministry's unified reader interface (SSCardDriver / SSSE32), so a
 * failure can be quoted the way every regional help desk and vendor manual quotes it.
 * Card status words nobody names are reported as -(SW as decimal), e.g. -27266 = -0x6A82.
 */
export const READER_ERRORS = {
  WRONG_CARD: -1,
  NO_CARD: -2,
  NOT_POWERED: -3,
  NO_ANSWER: -4,
  CONNECTION: -11,
  NOT_CONNECTED: -12,
  UNSUPPORTED_COMMAND: -13,
  BAD_PARAMETER: -14,
  CHECKSUM: -15,
  FORMAT: -20,
  INTERNAL_AUTH: -21,
  DATA_MISMATCH: -22,
  ILLEGAL_DATA: -23,
  PSAM_KEY_LEVEL: -24,
  NO_SUCH_ITEM: -25,
  CANCELLED: -31,
  TIMEOUT: -32,
  PIN_LENGTH: -33,
  PINS_DIFFER: -34,
  INITIAL_PIN: -35,
  CHANGE_TO_INITIAL: -36,
  PIN_WRONG: -51,
  PIN_LOCKED: -52,
  NO_PSAM: -2201,
  PSAM_NO_SM4: -2202,
  PSAM_NO_KEY: -2203,
} as const;

const E = READER_ERRORS;

/** A reader-interface failure: the ministry error number plus what happened, in words for the log. */
export class ReaderError extends Error {
  override name = 'ReaderError';
  constructor(readonly code: number, message: string, readonly detail: Record<string, unknown> = {}) {
    super(`${code} ${message}`);
  }
}

/**
 * The terminal ended a PIN entry at its keypad (cancel, timeout, wrong length, new PINs differ, a
 * default new PIN) and, by the link protocol, sent the card nothing. Its -32 is the cardholder's
 * timeout, unlike the -32 of a terminal that does not answer.
 */
export class KeypadRefusal extends ReaderError {
  override name = 'KeypadRefusal';
}

/** -(SW as decimal), as the ministry interface reports status words it does not name. */
export function swError(sw: number, message: string, detail: Record<string, unknown> = {}): ReaderError {
  return new ReaderError(-sw, message, { sw: swHex(sw), ...detail });
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * What a reader error means at the counter. A `check` is what the card says (answered 200 with
 * the reason); a `fault` is the terminal's or the PSAM's (503), never blamed on the cardholder.
 */
export type Classified = { kind: 'check'; reason: Reason } | { kind: 'fault'; fault: ServiceFault };

const CHECKS: Readonly<Record<number, ReasonCode>> = {
  [E.WRONG_CARD]: 'CARD_UNREADABLE',
  [E.NO_CARD]: 'CARD_ABSENT',
  [E.NOT_POWERED]: 'CARD_UNREADABLE',
  [E.NO_ANSWER]: 'CARD_UNREADABLE',
  [E.FORMAT]: 'CARD_UNREADABLE',
  [E.INTERNAL_AUTH]: 'CARD_NOT_GENUINE',
  [E.DATA_MISMATCH]: 'CARD_UNREADABLE',
  [E.ILLEGAL_DATA]: 'CARD_UNREADABLE',
  [E.NO_SUCH_ITEM]: 'CARD_UNREADABLE',
  [E.INITIAL_PIN]: 'PIN_INITIAL',
  [E.PIN_WRONG]: 'PIN_WRONG',
  [E.PIN_LOCKED]: 'PIN_LOCKED',
  // 9303: the application is permanently locked; only the issuer can help, as with a locked PIN.
  [-0x9303]: 'PIN_LOCKED',
};

const FAULTS: Readonly<Record<number, ReasonCode>> = {
  [E.CONNECTION]: 'TERMINAL_UNAVAILABLE',
  [E.NOT_CONNECTED]: 'TERMINAL_UNAVAILABLE',
  [E.UNSUPPORTED_COMMAND]: 'TERMINAL_UNAVAILABLE',
  [E.BAD_PARAMETER]: 'TERMINAL_UNAVAILABLE',
  [E.CHECKSUM]: 'TERMINAL_UNAVAILABLE',
  [E.TIMEOUT]: 'TERMINAL_TIMEOUT',
  [E.PSAM_KEY_LEVEL]: 'PSAM_MISSING',
  [E.NO_PSAM]: 'PSAM_MISSING',
  [E.PSAM_NO_SM4]: 'PSAM_MISSING',
  [E.PSAM_NO_KEY]: 'PSAM_MISSING',
};

/** A PIN entry the keypad ended before the card was asked: its own outcome, never PIN_WRONG. */
function keypadReason(err: ReaderError, detail: Record<string, unknown>): Reason | undefined {
  switch (err.code) {
    case E.CANCELLED: return reasonVariant('PIN_CANCELLED', 'cancelled', detail);
    case E.TIMEOUT: return err instanceof KeypadRefusal ? reasonVariant('PIN_CANCELLED', 'timeout', detail) : undefined;
    case E.PIN_LENGTH: return reasonVariant('PIN_ENTRY_INVALID', 'wrong-length', detail);
    case E.PINS_DIFFER: return reasonVariant('PIN_ENTRY_INVALID', 'new-pins-differ', detail);
    case E.CHANGE_TO_INITIAL: return reasonVariant('PIN_ENTRY_INVALID', 'new-pin-default', detail);
    default: return undefined;
  }
}

export function classify(err: ReaderError): Classified {
  const detail = { readerError: err.code, ...err.detail };
  const keypad = keypadReason(err, detail);
  if (keypad) return { kind: 'check', reason: keypad };
  const fault = FAULTS[err.code];
  if (fault) return { kind: 'fault', fault: new ServiceFault(fault, detail, { cause: err }) };
  // Any other card status word: the chip answered something this reader cannot use.
  return { kind: 'check', reason: reason(CHECKS[err.code] ?? 'CARD_UNREADABLE', detail) };
}
