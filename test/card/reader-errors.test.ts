import { describe, expect, it } from 'vitest';
import { defaultPins } from '../../src/card/initial-pin.js';
import { classify, KeypadRefusal, ReaderError, READER_ERRORS, swError } from '../../src/card/reader-errors.js';
import { ServiceFault } from '../../src/reasons.js';

const E = READER_ERRORS;
const outcome = (code: number) => {
  const c = classify(new ReaderError(code, 'x'));
  return c.kind === 'check' ? `check ${c.reason.code}` : `fault ${c.fault.code}`;
};

describe('ministry reader errors', () => {
  it('maps every named error to a reason: card facts are checks, device faults are faults', () => {
    expect(Object.fromEntries(Object.entries(E).map(([name, code]) => [`${name} ${code}`, outcome(code)]))).toEqual({
      'WRONG_CARD -1': 'check CARD_UNREADABLE',
      'NO_CARD -2': 'check CARD_ABSENT',
      'NOT_POWERED -3': 'check CARD_UNREADABLE',
      'NO_ANSWER -4': 'check CARD_UNREADABLE',
      'CONNECTION -11': 'fault TERMINAL_UNAVAILABLE',
      'NOT_CONNECTED -12': 'fault TERMINAL_UNAVAILABLE',
      'UNSUPPORTED_COMMAND -13': 'fault TERMINAL_UNAVAILABLE',
      'BAD_PARAMETER -14': 'fault TERMINAL_UNAVAILABLE',
      'CHECKSUM -15': 'fault TERMINAL_UNAVAILABLE',
      'FORMAT -20': 'check CARD_UNREADABLE',
      'INTERNAL_AUTH -21': 'check CARD_NOT_GENUINE',
      'DATA_MISMATCH -22': 'check CARD_UNREADABLE',
      'ILLEGAL_DATA -23': 'check CARD_UNREADABLE',
      'PSAM_KEY_LEVEL -24': 'fault PSAM_MISSING',
      'NO_SUCH_ITEM -25': 'check CARD_UNREADABLE',
      'CANCELLED -31': 'check PIN_CANCELLED',
      'TIMEOUT -32': 'fault TERMINAL_TIMEOUT',
      'PIN_LENGTH -33': 'check PIN_ENTRY_INVALID',
      'PINS_DIFFER -34': 'check PIN_ENTRY_INVALID',
      'INITIAL_PIN -35': 'check PIN_INITIAL',
      'CHANGE_TO_INITIAL -36': 'check PIN_ENTRY_INVALID',
      'PIN_WRONG -51': 'check PIN_WRONG',
      'PIN_LOCKED -52': 'check PIN_LOCKED',
      'NO_PSAM -2201': 'fault PSAM_MISSING',
      'PSAM_NO_SM4 -2202': 'fault PSAM_MISSING',
      'PSAM_NO_KEY -2203': 'fault PSAM_MISSING',
    });
  });

  it('tells the keypad\'s timeout (the cardholder walked away) from a terminal that does not answer, both -32', () => {
    const keypad = classify(new KeypadRefusal(E.TIMEOUT, 'terminal status 0x10', { terminalStatus: 0x10 }));
    expect(keypad).toMatchObject({ kind: 'check', reason: { code: 'PIN_CANCELLED', severity: 'warning', detail: { variant: 'timeout', readerError: -32 } } });
    expect(outcome(E.TIMEOUT)).toBe('fault TERMINAL_TIMEOUT');
    const variants = [E.CANCELLED, E.PIN_LENGTH, E.PINS_DIFFER, E.CHANGE_TO_INITIAL].map((code) => {
      const c = classify(new KeypadRefusal(code, 'x'));
      return c.kind === 'check' ? `${c.reason.code}/${String(c.reason.detail?.['variant'])}` : 'fault';
    });
    expect(variants).toEqual(['PIN_CANCELLED/cancelled', 'PIN_ENTRY_INVALID/wrong-length', 'PIN_ENTRY_INVALID/new-pins-differ', 'PIN_ENTRY_INVALID/new-pin-default']);
  });

  it('reports unnamed status words as -(SW as decimal), a card that cannot be read', () => {
    const err = swError(0x6a82, 'file not found');
    expect(err.code).toBe(-27266);
    const c = classify(err);
    expect(c.kind).toBe('check');
    if (c.kind === 'check') expect(c.reason).toMatchObject({ code: 'CARD_UNREADABLE', detail: { readerError: -27266, sw: '6A82' } });
    expect(outcome(-0x9303)).toBe('check PIN_LOCKED');
  });

  it('carries the reader error into the fault detail', () => {
    const c = classify(new ReaderError(E.NO_PSAM, 'no PSAM', { slot: 'psam' }));
    expect(c.kind).toBe('fault');
    if (c.kind === 'fault') {
      expect(c.fault).toBeInstanceOf(ServiceFault);
      expect(c.fault.reason.detail).toEqual({ readerError: -2201, slot: 'psam' });
    }
  });
});

describe('regional default PINs', () => {
  it('follows config/rules.json initialPin.rules', () => {
    expect(defaultPins(['card-number-last-6', 'fixed:123456'], { cardNumber: 'X00000026' })).toEqual(['000026', '123456']);
    expect(defaultPins(['fixed:888888'], { cardNumber: 'X00000026' })).toEqual(['888888']);
    expect(defaultPins(['card-number-last-6'], { cardNumber: 'X0000A026' })).toEqual([]);
    expect(defaultPins(['card-number-last-6', 'fixed:000026'], { cardNumber: 'X00000026' })).toEqual(['000026']);
  });
});
