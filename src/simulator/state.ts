import { randomBytes } from 'node:crypto';
import type { VirtualCard } from '../emulator/virtual-cards.js';

/**
 * What the simulated platform remembers: the back office (one virtual card per person),
 * live sign-ins and issued e-voucher tokens.
 */
export class SimulatorState {
  readonly byCardSn = new Map<string, VirtualCard>();
  readonly byIdNumber = new Map<string, VirtualCard>();
  private readonly byScenario = new Map<string, VirtualCard>();
  private readonly signIns = new Map<string, number>();
  private readonly ecTokens = new Map<string, { card: VirtualCard; expiresAt: number }>();

  constructor(cards: Iterable<VirtualCard>, private readonly signInTtlMs: number, private readonly clock: () => number) {
    for (const card of cards) {
      this.byCardSn.set(card.chip.ef05.cardId, card);
      this.byIdNumber.set(card.chip.ef06.idNumber, card);
      this.byScenario.set(card.scenario, card);
    }
  }

  cardForScenario(scenario: string): VirtualCard | undefined {
    return this.byScenario.get(scenario);
  }

  signIn(): string {
    const signNo = randomBytes(8).toString('hex').toUpperCase();
    this.signIns.set(signNo, this.clock() + this.signInTtlMs);
    return signNo;
  }

  signInValid(signNo: string | undefined): boolean {
    const until = signNo ? this.signIns.get(signNo) : undefined;
    if (until === undefined) return false;
    if (until > this.clock()) return true;
    this.signIns.delete(signNo!);
    return false;
  }

  /** 9002: this sign_no is no longer honoured. */
  signOut(signNo: string): boolean {
    return this.signIns.delete(signNo);
  }

  /** Forgets every sign-in, as a platform restart or a nightly sign-out does. */
  expireSignIns(): number {
    const n = this.signIns.size;
    this.signIns.clear();
    return n;
  }

  /** What the cardholder's e-voucher app would hand the counter's scanner component. */
  issueEcToken(card: VirtualCard, ttlMs = 10 * 60_000): string {
    const token = randomBytes(16).toString('hex');
    this.ecTokens.set(token, { card, expiresAt: this.clock() + ttlMs });
    return token;
  }

  cardForEcToken(token: string): VirtualCard | undefined {
    const hit = this.ecTokens.get(token);
    if (!hit) return undefined;
    if (hit.expiresAt > this.clock()) return hit.card;
    this.ecTokens.delete(token);
    return undefined;
  }
}
