import { chinaToday } from '../china-time.js';
import { reason, ServiceFault, type Reason } from '../reasons.js';
import type { CardLink, PinEntryResult } from './channel.js';
import { defaultPins } from './initial-pin.js';
import { classify, KeypadRefusal, ReaderError, READER_ERRORS as E, swError } from './reader-errors.js';
import { HEADER_CHANGE_PIN, HEADER_VERIFY, SsseSession, type PinState } from './ssse.js';
import type { CardTerminal, TerminalStatus, VirtualCardSlot } from './terminal.js';
import type { CardIdentity, ChipRead, PinOutcome } from './types.js';

export interface ReaderTerminalOptions {
  link: CardLink;
  /** A card read, from power-on to power-off, must finish within this (TERMINAL_TIMEOUT otherwise). */
  timeoutMs: number;
  /** How long the cardholder has on the keypad, on top of timeoutMs. */
  pinEntrySeconds: number;
  /** config/rules.json initialPin.rules */
  initialPinRules: readonly string[];
  /** Today as YYYY-MM-DD in the pharmacy's time zone. */
  today?: () => string;
  /** The emulator's slot, when the terminal is the mock one. */
  dev?: VirtualCardSlot;
}

/**
 * The counter terminal as the service sees it, built on any CardLink: the SSSE read (what the
 * ministry's iReadCardBas does) and PIN verify/change on the keypad. What the card says becomes
 * a check or a PIN outcome; what the terminal or PSAM fails at becomes a ServiceFault.
 */
export class ReaderTerminal implements CardTerminal {
  readonly dev?: VirtualCardSlot;
  private readonly today: () => string;

  constructor(private readonly options: ReaderTerminalOptions) {
    this.today = options.today ?? chinaToday();
    if (options.dev) this.dev = options.dev;
  }

  async read(): Promise<ChipRead> {
    try {
      return await this.options.link.run(this.options.timeoutMs, async (channel) => {
        const s = new SsseSession(channel);
        try {
          await s.powerOnPsam();
          await s.powerOnCard();
          await s.selectSsse();
          const ef05 = await s.readEf05();
          await s.internalAuth(ef05.cardId);
          if (ef05.specVersion >= '3.00') await s.externalAuth(ef05.cardId);
          const card: CardIdentity = { ...ef05, ...(await s.readEf06(ef05.specVersion)) };
          const pin = await s.pinState();
          const checks: Reason[] = [];
          if (card.expiryDate < this.today()) checks.push(reason('CARD_EXPIRED', { expiryDate: card.expiryDate }));
          if (pin.locked) checks.push(reason('PIN_LOCKED', { readerError: E.PIN_LOCKED, triesLeft: 0 }));
          await channel.beep(60).catch(() => undefined);
          return { card, checks };
        } finally {
          await s.powerOffAll();
        }
      });
    } catch (err) {
      return { checks: [this.cardSays(err)] };
    }
  }

  verifyPin(card: CardIdentity): Promise<PinOutcome> {
    return this.pinFlow(card, 'verify');
  }

  changePin(card: CardIdentity): Promise<PinOutcome> {
    return this.pinFlow(card, 'change');
  }

  async status(): Promise<TerminalStatus> {
    const s = await this.options.link.status(Math.min(this.options.timeoutMs, 1000));
    const out: TerminalStatus = { kind: this.options.link.kind, connected: s.connected, psamPresent: s.info?.psamPresent ?? false, cardPresent: s.info?.cardPresent ?? false };
    if (s.detail) out.detail = s.detail;
    return out;
  }

  close(): Promise<void> {
    return this.options.link.close();
  }

  private async pinFlow(card: CardIdentity, kind: 'verify' | 'change'): Promise<PinOutcome> {
    try {
      return await this.options.link.run(this.options.timeoutMs + this.options.pinEntrySeconds * 1000, async (channel) => {
        const s = new SsseSession(channel);
        try {
          if (!(await s.sameCard(card.cardId))) throw new ServiceFault('INVALID_REQUEST', { field: 'cardSession', message: 'another card is in the terminal; read the card again' });
          // The card's tries counter before the prompt, so that a refusal by the keypad can be checked against it.
          const before = await s.pinState();
          let typed: PinEntryResult;
          try {
            typed = await channel.pinEntry({
              kind,
              header: kind === 'verify' ? HEADER_VERIFY : HEADER_CHANGE_PIN,
              defaults: defaultPins(this.options.initialPinRules, card),
              timeoutSeconds: this.options.pinEntrySeconds,
            });
          } catch (err) {
            throw err instanceof KeypadRefusal ? await confirmRefusal(err, before, s) : err;
          }
          return pinOutcome(kind, typed.sw, typed.typedDefault);
        } finally {
          await s.powerOffAll();
        }
      });
    } catch (err) {
      return { ok: false, reason: this.cardSays(err) };
    }
  }

  /** A card-level reader error becomes the reason given to the cashier; a device fault is rethrown. */
  private cardSays(err: unknown): Reason {
    if (!(err instanceof ReaderError)) throw err;
    const c = classify(err);
    if (c.kind === 'fault') throw c.fault;
    return c.reason;
  }
}

/**
 * The keypad says it ended the entry without asking the card, so the cashier will hear that no
 * attempt was used. The card has the last word: asked again, its tries counter must not have gone
 * down. If it did, or the card is locked, the card's own state is reported instead (PIN_WRONG,
 * PIN_LOCKED). A card that does not report its counter, or is gone by now, leaves the terminal's word.
 */
async function confirmRefusal(refusal: KeypadRefusal, before: PinState, s: SsseSession): Promise<ReaderError> {
  let after: PinState;
  try {
    after = await s.pinState();
  } catch (err) {
    if (err instanceof ReaderError) return refusal;
    throw err;
  }
  const left = after.triesLeft;
  if (left === null) return refusal;
  const counted = { triesLeft: left, keypadError: refusal.code };
  if (after.locked) return new ReaderError(E.PIN_LOCKED, 'PIN locked', counted);
  if (before.triesLeft !== null && left < before.triesLeft) return new ReaderError(E.PIN_WRONG, 'the card counted a wrong PIN the keypad did not report', counted);
  return new KeypadRefusal(refusal.code, refusal.message, { ...refusal.detail, triesLeft: left });
}

/**
 * The card's answer to a PIN typed on the keypad. 6985 is how the virtual COS (and cards like
 * it) refuses a correct PIN that was never changed; a terminal that saw a default PIN typed
 * gives the same -35 for cards that do not say so themselves.
 */
function pinOutcome(kind: 'verify' | 'change', sw: number, typedDefault: boolean): PinOutcome {
  if (sw === 0x9000) {
    if (kind === 'verify' && typedDefault) throw new ReaderError(E.INITIAL_PIN, 'initial PIN cannot transact', { rule: 'regional default PIN' });
    return { ok: true };
  }
  if (kind === 'verify' && sw === 0x6985) throw new ReaderError(E.INITIAL_PIN, 'initial PIN cannot transact', { rule: 'card' });
  if ((sw & 0xfff0) === 0x63c0) {
    const triesLeft = sw & 0x0f;
    if (triesLeft === 0) throw new ReaderError(E.PIN_LOCKED, 'PIN locked', { triesLeft });
    throw new ReaderError(E.PIN_WRONG, 'wrong PIN', { triesLeft });
  }
  if (sw === 0x6983) throw new ReaderError(E.PIN_LOCKED, 'PIN locked', { triesLeft: 0 });
  throw swError(sw, `card answered the ${kind === 'verify' ? 'PIN verification' : 'PIN change'} unexpectedly`);
}
