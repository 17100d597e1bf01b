import type { CardTerminal, TerminalStatus, VirtualCardSlot } from '../card/terminal.js';
import type { ChipRead, CardIdentity, PinOutcome } from '../card/types.js';
import { reason, ServiceFault } from '../reasons.js';
import type { VirtualCard } from '../emulator/virtual-cards.js';

const isoDate = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/** The in-process terminal used by default and in tests: a slot holding one virtual card. */
export class MockTerminal implements CardTerminal {
  private card: VirtualCard | null = null;
  private scenarioName: string | null = null;
  private readonly state = new Map<string, { pin: string; triesLeft: number; initial: boolean }>();
  readonly dev: VirtualCardSlot;

  constructor(private readonly cards: Map<string, VirtualCard>, private readonly today: () => string = () => new Date().toISOString().slice(0, 10)) {
    this.dev = {
      scenarios: () => [...this.cards.keys()],
      insert: (scenario) => {
        const card = this.cards.get(scenario);
        if (!card) throw new ServiceFault('INVALID_REQUEST', { field: 'scenario', message: `unknown scenario "${scenario}"` });
        this.card = card;
        this.scenarioName = scenario;
      },
      remove: () => {
        this.card = null;
        this.scenarioName = null;
      },
      inserted: () => this.scenarioName,
    };
  }

  async read(): Promise<ChipRead> {
    const v = this.card;
    if (!v) return { checks: [reason('CARD_ABSENT')] };
    if (v.chip.damaged) return { checks: [reason('CARD_UNREADABLE')] };
    if (!v.chip.genuine) return { checks: [reason('CARD_NOT_GENUINE')] };
    const card: CardIdentity = {
      regionCode: v.chip.ef05.cardId.slice(0, 6),
      cardId: v.chip.ef05.cardId,
      cardNumber: v.chip.ef05.cardNumber,
      cardType: v.chip.ef05.cardType,
      specVersion: v.chip.ef05.specVersion,
      issueDate: isoDate(v.chip.ef05.issueDate),
      expiryDate: isoDate(v.chip.ef05.expiryDate),
      idNumber: v.chip.ef06.idNumber,
      name: v.chip.ef06.name,
      gender: v.chip.ef06.gender,
      birthDate: isoDate(v.chip.ef06.birthDate),
    };
    const checks = [];
    if (card.expiryDate < this.today()) checks.push(reason('CARD_EXPIRED', { expiryDate: card.expiryDate }));
    const pin = this.pinState(v);
    if (pin.triesLeft === 0) checks.push(reason('PIN_LOCKED'));
    else if (pin.initial) checks.push(reason('PIN_INITIAL'));
    return { card, checks };
  }

  async verifyPin(card: CardIdentity): Promise<PinOutcome> {
    const v = this.requireSame(card);
    const pin = this.pinState(v);
    if (pin.triesLeft === 0) return { ok: false, reason: reason('PIN_LOCKED') };
    if (v.chip.keypadEntry !== pin.pin) {
      pin.triesLeft--;
      return { ok: false, reason: pin.triesLeft === 0 ? reason('PIN_LOCKED') : reason('PIN_WRONG', { triesLeft: pin.triesLeft }) };
    }
    pin.triesLeft = v.chip.pinMaxTries;
    if (pin.initial) return { ok: false, reason: reason('PIN_INITIAL') };
    return { ok: true };
  }

  async changePin(card: CardIdentity): Promise<PinOutcome> {
    const v = this.requireSame(card);
    const pin = this.pinState(v);
    if (pin.triesLeft === 0) return { ok: false, reason: reason('PIN_LOCKED') };
    if (v.chip.keypadEntry !== pin.pin) {
      pin.triesLeft--;
      return { ok: false, reason: reason('PIN_WRONG', { triesLeft: pin.triesLeft }) };
    }
    // The virtual cardholder chooses a new PIN that differs from the initial one.
    pin.pin = pin.pin === '135790' ? '975310' : '135790';
    pin.initial = false;
    v.chip.keypadEntry = pin.pin;
    return { ok: true };
  }

  async status(): Promise<TerminalStatus> {
    return { kind: 'mock', connected: true, psamPresent: true, cardPresent: this.card !== null };
  }

  async close(): Promise<void> {}

  private requireSame(card: CardIdentity): VirtualCard {
    const v = this.card;
    if (!v) throw new ServiceFault('TERMINAL_UNAVAILABLE', { message: 'the card was removed' });
    if (v.chip.ef05.cardId !== card.cardId) throw new ServiceFault('INVALID_REQUEST', { field: 'cardSession', message: 'another card is in the terminal' });
    return v;
  }

  private pinState(v: VirtualCard) {
    let s = this.state.get(v.chip.ef05.cardId);
    if (!s) {
      s = { pin: v.chip.pin, triesLeft: v.chip.pinTriesLeft, initial: v.chip.pinInitial };
      this.state.set(v.chip.ef05.cardId, s);
    }
    return s;
  }
}
