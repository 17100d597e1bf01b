import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/card/apdu.js';
import type { CardChannel, CardLink } from '../../src/card/channel.js';
import { classify, ReaderError } from '../../src/card/reader-errors.js';
import { ReaderTerminal } from '../../src/card/reader-terminal.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadTerminalSetup } from '../../src/emulator/terminal-setup.js';
import { loadVirtualCards } from '../../src/emulator/virtual-cards.js';
import { VirtualChip } from '../../src/emulator/virtual-chip.js';
import { VirtualPsam } from '../../src/emulator/virtual-psam.js';
import { reasonGroup, ServiceFault, type ReasonCode } from '../../src/reasons.js';
import { settle } from '../terminal/emulated.js';

/**
 * Status words and card answers: a card (or PSAM) that answers anything at any step of a read or
 * a PIN entry gives a card check or a system fault, with a ministry error number, never a crash.
 */
const devicesDir = path.join(PROJECT_ROOT, 'devices');
const cards = loadVirtualCards(devicesDir);
const setup = loadTerminalSetup(devicesDir);
const issuer = { internalAuth: fromHex(setup.psam.keys.internalAuth), externalAuth: fromHex(setup.psam.keys.externalAuth) };
const CARD_CODES: ReasonCode[] = ['CARD_ABSENT', 'CARD_UNREADABLE', 'CARD_NOT_GENUINE', 'CARD_EXPIRED', 'PIN_INITIAL', 'PIN_WRONG', 'PIN_CANCELLED', 'PIN_ENTRY_INVALID', 'PIN_LOCKED'];
const FAULT_CODES: ReasonCode[] = ['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT', 'PSAM_MISSING', 'INVALID_REQUEST'];

type Mutation = { step: number; answer: Uint8Array; keep: boolean };

/** The real virtual card and PSAM behind a channel whose answer number `step` is replaced (or extended) by `answer`. */
function mutatedLink(scenario: string, m: Mutation): CardLink {
  const chip = new VirtualChip(cards.get(scenario)!, issuer);
  const psam = new VirtualPsam({ atr: fromHex(setup.psam.atr), algorithms: ['SM4'], keys: issuer });
  let n = 0;
  const twist = (real: Uint8Array | null): Uint8Array => {
    if (n++ !== m.step) return real ?? new Uint8Array(0);
    return m.keep && real ? Uint8Array.from([...m.answer, ...real.subarray(real.length - 2)]) : m.answer;
  };
  const channel: CardChannel = {
    info: async () => ({ protocolVersion: 1, cardPresent: true, psamPresent: true, keypad: true, terminalNumber: 'T', deviceNumber: 'D', model: 'M' }),
    powerOn: async (slot) => twist(slot === 'card' ? chip.powerOn() : psam.powerOn()),
    powerOff: async () => {},
    transmit: async (slot, apdu) => twist((slot === 'card' ? chip : psam).process(apdu)),
    pinEntry: async () => {
      const sw = twist(Uint8Array.of(0x90, 0x00));
      return { sw: sw.length >= 2 ? (sw[sw.length - 2]! << 8) | sw[sw.length - 1]! : 0x6f00, typedDefault: sw.length === 0 };
    },
    beep: async () => {},
  };
  return { kind: 'fuzz', run: (_ms, op) => op(channel), status: async () => ({ connected: true }), close: async () => {} };
}

function expectCoded(outcome: { checks?: { code: ReasonCode; detail?: Record<string, unknown> }[]; ok?: boolean; reason?: { code: ReasonCode } } | ServiceFault): void {
  if (outcome instanceof ServiceFault) {
    expect(FAULT_CODES).toContain(outcome.code);
    return;
  }
  for (const c of outcome.checks ?? (outcome.reason ? [outcome.reason] : [])) expect(CARD_CODES).toContain(c.code);
}

const mutation = fc.record({
  step: fc.integer({ min: 0, max: 60 }),
  keep: fc.boolean(),
  answer: fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.integer({ min: 0, max: 0xffff }).map((sw) => Uint8Array.of(sw >> 8, sw & 0xff)),
    fc.constantFrom(0x6100, 0x6c00, 0x63c0).chain((base) => fc.integer({ min: 0, max: 255 }).map((x) => Uint8Array.of(((base | (x & 0xff)) >> 8) & 0xff, x & 0xff))),
  ),
});

describe('status words under fuzzing', () => {
  it('every reader error number classifies to a known reason of the right group', () => {
    fc.assert(fc.property(fc.integer({ min: -0xffff, max: 0 }), (code) => {
      const c = classify(new ReaderError(code, 'fuzz'));
      if (c.kind === 'check') expect(reasonGroup(c.reason.code)).toBe('card');
      else expect(reasonGroup(c.fault.code)).toBe('system');
    }));
  });

  it('a card read with any answer replaced at any step: a coded check or a coded fault', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...cards.keys()), mutation, async (scenario, m) => {
      const terminal = new ReaderTerminal({ link: mutatedLink(scenario, m), timeoutMs: 1000, pinEntrySeconds: 5, initialPinRules: ['card-number-last-6'], today: () => '2026-01-01' });
      const read = await settle(terminal.read());
      expectCoded(read);
      if (!(read instanceof ServiceFault) && read.card) {
        // Whatever was twisted, what is handed over is well-formed.
        expect(read.card.cardId).toMatch(/^[0-9A-F]{32}$/);
        expect(read.card.cardNumber).toMatch(/^[A-Z0-9]{9}$/);
        expect(read.card.expiryDate).toMatch(/^\d{4}-\d\d-\d\d$/);
      }
    }));
  });

  it('PIN verify and change with any answer replaced: a PIN outcome with a card reason, or a coded fault', async () => {
    const normal = cards.get('normal')!;
    const card = { regionCode: '330300', cardId: normal.chip.ef05.cardId, cardNumber: normal.chip.ef05.cardNumber, cardType: '3', specVersion: '3.00', issueDate: '2023-01-01', expiryDate: '2033-01-01', idNumber: normal.chip.ef06.idNumber, name: normal.chip.ef06.name, gender: '1', birthDate: '1985-08-15' };
    await fc.assert(fc.asyncProperty(mutation, fc.boolean(), async (m, change) => {
      const terminal = new ReaderTerminal({ link: mutatedLink('normal', m), timeoutMs: 1000, pinEntrySeconds: 5, initialPinRules: ['fixed:123456'] });
      expectCoded(await settle(change ? terminal.changePin(card) : terminal.verifyPin(card)));
    }));
  });
});
