import { describe, expect, it } from 'vitest';
import type { CardChannel, CardLink } from '../../src/card/channel.js';
import { KeypadRefusal, READER_ERRORS } from '../../src/card/reader-errors.js';
import { ReaderTerminal } from '../../src/card/reader-terminal.js';
import { ServiceFault } from '../../src/reasons.js';
import { HidLink } from '../../src/terminal/hid-link.js';
import { CODECS } from '../../src/terminal/link/codecs.js';
import { MockTransportOpener } from '../../src/terminal/mock-transport.js';
import { loadProfile } from '../../src/terminal/profiles.js';
import { devicesDir, emulated, PROFILES, variant } from '../terminal/emulated.js';

const reasonOf = (o: { ok: boolean; reason?: { code: string; detail?: Record<string, unknown> } }) => (o.ok ? 'ok' : { code: o.reason!.code, ...o.reason!.detail });

describe.each(PROFILES)('PIN on the keypad (%s)', (profile) => {
  it('counts wrong PINs down with tries left, then locks', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    const { card } = await terminal.read();
    slot.keypad(['111111', '222222']);
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 2 });
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 1 });
    expect(await terminal.verifyPin(card!)).toEqual({ ok: true });
    slot.keypad(['111111', '111111', '111111', '246810']);
    await terminal.verifyPin(card!);
    await terminal.verifyPin(card!);
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_LOCKED', readerError: -52, triesLeft: 0 });
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_LOCKED', readerError: -52, triesLeft: 0 });
    // Taken out and put back, the card is still locked, and the read says so.
    slot.remove();
    slot.insert('normal');
    expect((await terminal.read()).checks.map((c) => c.code)).toEqual(['PIN_LOCKED']);
  });

  it('knows an initial PIN from the card (-35), changes it at the counter, and then verifies', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('initial-pin');
    const { card, checks } = await terminal.read();
    expect(checks).toEqual([]);
    const first = await terminal.verifyPin(card!);
    expect(reasonOf(first)).toEqual({ code: 'PIN_INITIAL', readerError: -35, rule: 'card' });
    expect(first.ok ? null : first.reason.remedy?.en).toMatch(/Change the PIN on this terminal's keypad/);
    expect(await terminal.changePin(card!)).toEqual({ ok: true });
    expect(await terminal.verifyPin(card!)).toEqual({ ok: true });
  });

  it('applies the regional default-PIN rule to cards that do not flag it themselves', async () => {
    const plain = variant('default-123456', 'normal', (c) => {
      c.chip.pin = '123456';
      c.chip.keypadEntry = '123456';
      c.chip.pinInitial = false;
    });
    const here = emulated({ profile, extraCards: [plain], rules: ['card-number-last-6', 'fixed:123456'] });
    here.slot.insert('default-123456');
    const { card } = await here.terminal.read();
    expect(reasonOf(await here.terminal.verifyPin(card!))).toEqual({ code: 'PIN_INITIAL', readerError: -35, rule: 'regional default PIN' });
    const elsewhere = emulated({ profile, extraCards: [plain], rules: ['fixed:888888'] });
    elsewhere.slot.insert('default-123456');
    expect(await elsewhere.terminal.verifyPin((await elsewhere.terminal.read()).card!)).toEqual({ ok: true });
  });

  it('refuses a new PIN that is a default one (-36), or typed differently twice (-34), without spending a try', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    const { card } = await terminal.read();
    slot.keypad(['246810', '123456', '123456']);
    expect(reasonOf(await terminal.changePin(card!))).toEqual({ code: 'PIN_ENTRY_INVALID', variant: 'new-pin-default', readerError: -36, terminalStatus: 0x14, slot: 'card', triesLeft: 3 });
    slot.keypad(['246810', '135790', '135799']);
    expect(reasonOf(await terminal.changePin(card!))).toEqual({ code: 'PIN_ENTRY_INVALID', variant: 'new-pins-differ', readerError: -34, terminalStatus: 0x13, slot: 'card', triesLeft: 3 });
    slot.keypad(['999999', '135790', '135790']);
    expect(reasonOf(await terminal.changePin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 2 });
    expect(await terminal.changePin(card!)).toEqual({ ok: true });
  });

  it('reports cancel and a walk-away as PIN_CANCELLED and a short PIN as PIN_ENTRY_INVALID, with the tries the card still has', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    const { card } = await terminal.read();
    slot.keypad(['111111', 'cancel', '1234', 'timeout', '1234567']);
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 2 });
    const cancelled = await terminal.verifyPin(card!);
    expect(reasonOf(cancelled)).toEqual({ code: 'PIN_CANCELLED', variant: 'cancelled', readerError: -31, terminalStatus: 0x11, slot: 'card', triesLeft: 2 });
    expect(cancelled.ok ? null : cancelled.reason).toMatchObject({ severity: 'warning', remedy: { en: expect.stringMatching(/pay without insurance.*does not count as a wrong attempt/) } });
    expect(reasonOf(await terminal.verifyPin(card!))).toMatchObject({ code: 'PIN_ENTRY_INVALID', variant: 'wrong-length', readerError: -33, triesLeft: 2 });
    expect(reasonOf(await terminal.verifyPin(card!))).toMatchObject({ code: 'PIN_CANCELLED', variant: 'timeout', readerError: -32, triesLeft: 2 });
    expect(reasonOf(await terminal.verifyPin(card!))).toMatchObject({ code: 'PIN_ENTRY_INVALID', variant: 'wrong-length', readerError: -33, triesLeft: 2 });
    // None of them spent a try: the right PIN still verifies after one earlier mistake and four refusals.
    expect(await terminal.verifyPin(card!)).toEqual({ ok: true });
  });

  it('checks the card in the slot is the session card, and answers CARD_ABSENT when it is gone', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    const { card } = await terminal.read();
    slot.insert('expired');
    await expect(terminal.verifyPin(card!)).rejects.toBeInstanceOf(ServiceFault);
    await expect(terminal.verifyPin(card!)).rejects.toMatchObject({ reason: { code: 'INVALID_REQUEST', detail: { field: 'cardSession' } } });
    slot.remove();
    expect(reasonOf(await terminal.verifyPin(card!))).toMatchObject({ code: 'CARD_ABSENT', readerError: -2 });
  });
});

describe('a keypad refusal is checked against the card\'s tries counter', () => {
  /** The emulated terminal, but its keypad reports `refusal` after letting the typed PIN reach the card. */
  function misreportingTerminal(refusal: number) {
    const { device, slot } = emulated();
    const profile = loadProfile(devicesDir, 'guard-usb64');
    const link = new HidLink({ kind: 'mock', opener: new MockTransportOpener(device), codec: CODECS[profile.protocol], profile });
    const misreport = (ch: CardChannel): CardChannel => ({
      info: () => ch.info(),
      powerOn: (s) => ch.powerOn(s),
      powerOff: (s) => ch.powerOff(s),
      transmit: (s, apdu) => ch.transmit(s, apdu),
      beep: (ms) => ch.beep(ms),
      pinEntry: async (entry) => {
        await ch.pinEntry(entry);
        throw new KeypadRefusal(refusal, 'misreported');
      },
    });
    const wrapped: CardLink = { kind: 'mock', run: (ms, op) => link.run(ms, (ch) => op(misreport(ch))), status: (ms) => link.status(ms), close: () => link.close() };
    return { terminal: new ReaderTerminal({ link: wrapped, timeoutMs: 1000, pinEntrySeconds: 5, initialPinRules: [] }), slot };
  }

  it('a try the card counted is reported as the card tells it, never as "no attempt used"', async () => {
    const { terminal, slot } = misreportingTerminal(READER_ERRORS.CANCELLED);
    slot.insert('normal');
    const { card } = await terminal.read();
    slot.keypad(['111111', '111111', '246810', '111111']);
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 2, keypadError: -31 });
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 1, keypadError: -31 });
    // The right PIN reached the card: nothing was counted, so the keypad's word stands.
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_CANCELLED', variant: 'cancelled', readerError: -31, triesLeft: 3 });
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_WRONG', readerError: -51, triesLeft: 2, keypadError: -31 });
  });

  it('a card that locks meanwhile is reported locked', async () => {
    const { terminal, slot } = misreportingTerminal(READER_ERRORS.TIMEOUT);
    slot.insert('normal');
    const { card } = await terminal.read();
    slot.keypad(['111111', '111111', '111111']);
    await terminal.verifyPin(card!);
    await terminal.verifyPin(card!);
    expect(reasonOf(await terminal.verifyPin(card!))).toEqual({ code: 'PIN_LOCKED', readerError: -52, triesLeft: 0, keypadError: -32 });
  });
});

describe('what the chip says at read time', () => {
  it('expiry against today, long names through tag 4E, v1/v2 cards without external authentication', async () => {
    const long = variant('long-name', 'normal', (c) => {
      c.chip.ef06.name = '阿卜杜热依木江·买买提依明·艾尔肯';
    });
    const v1 = variant('v1-card', 'normal', (c) => {
      c.chip.ef05.specVersion = '1.00';
    });
    const { terminal, slot } = emulated({ extraCards: [long, v1], today: '2033-01-02' });
    slot.insert('normal');
    expect((await terminal.read()).checks).toMatchObject([{ code: 'CARD_EXPIRED', detail: { expiryDate: '2033-01-01' } }]);
    slot.insert('long-name');
    expect((await terminal.read()).card?.name).toBe('阿卜杜热依木江·买买提依明·艾尔肯');
    slot.insert('v1-card');
    expect((await terminal.read()).card).toMatchObject({ specVersion: '1.00', name: '孙八', birthDate: '1985-08-15', gender: '1', idNumber: '330302198508150192' });
  });

  it('a card inserted the wrong way round (no ISO answer to reset): CARD_UNREADABLE (-1)', async () => {
    const reversed = variant('reversed', 'normal', (c) => {
      c.chip.atr = '00FF';
    });
    const { terminal, slot } = emulated({ extraCards: [reversed] });
    slot.insert('reversed');
    expect((await terminal.read()).checks).toMatchObject([{ code: 'CARD_UNREADABLE', detail: { readerError: -1 } }]);
  });

  it('a DES card meets an SM4-only PSAM: PSAM_MISSING (-2202), not the cardholder\'s fault', async () => {
    const des = variant('des-card', 'normal', (c) => {
      c.chip.algorithm = 'DES';
    });
    const { terminal, slot } = emulated({ extraCards: [des] });
    slot.insert('des-card');
    await expect(terminal.read()).rejects.toMatchObject({ reason: { code: 'PSAM_MISSING', detail: { readerError: -2202, algorithm: 'DES' } } });
  });

  it('a card whose issuer keys the PSAM does not hold for external auth: PSAM_MISSING (-24)', async () => {
    const odd = variant('odd-eak', 'normal', (c) => {
      c.chip.issuerKeys = { internalAuth: '475541524420544553542049414B2031', externalAuth: '00112233445566778899AABBCCDDEEFF' };
    });
    const { terminal, slot } = emulated({ extraCards: [odd] });
    slot.insert('odd-eak');
    await expect(terminal.read()).rejects.toMatchObject({ reason: { code: 'PSAM_MISSING', detail: { readerError: -24 } } });
  });
});
