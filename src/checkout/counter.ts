import type { AccountService, PersonAccount } from '../account/service.js';
import type { AccountStatus } from '../account/eligibility.js';
import type { PersonCredential } from '../account/tx/1101-person-info.js';
import type { AuditTrail } from '../audit/trail.js';
import type { Holder } from '../audit/record.js';
import { maskCard } from '../card/mask-card.js';
import type { CardSession, CardSessions } from '../card/sessions.js';
import type { CardTerminal } from '../card/terminal.js';
import type { CardIdentity, MaskedCard } from '../card/types.js';
import type { CatalogueStore } from '../catalogue/store.js';
import { chinaToday } from '../china-time.js';
import { maskIdNumber, maskName } from '../mask.js';
import { formatYuan } from '../money.js';
import { reasonGroup, ServiceFault, type Reason, type Text } from '../reasons.js';
import type { RulesConfig } from '../rules-config.js';
import { evaluateBasket, type BasketLine, type Decision, type Verdict } from './rules.js';
import { basketGate, type GateInput } from './rules-gate.js';
import { rulesPolicy, type RulesPolicy } from './rules-policy.js';

export interface Caller {
  tokenId: string;
  role: string;
  name: string;
}

export interface CardReadAnswer {
  cardSession: string | null;
  card: MaskedCard | null;
  checks: Reason[];
  usable: boolean;
}

export interface AccountAnswer {
  eligible: boolean;
  insured: boolean;
  /** 1101 psn_type of the deciding insurance row (e.g. 11 employed, 21 retired): the class-B share may depend on it. */
  personType: string | null;
  status: string | null;
  insuranceType: string | null;
  balance: string | null;
  suspendedSince: string | null;
  reasons: Reason[];
}

/** A customer without the card: how they presented, and who the credential names, masked. Members in sorted order. */
export interface MaskedPerson {
  credential: 'id-number' | 'ec-token';
  idNumber: string | null;
  name: string | null;
}

export interface PrecheckAnswer {
  decisionId: string;
  decision: Decision;
  items: { lineId: string; code: string | null; name: string | null; verdict: Verdict; totalAmount: string; insuranceAmount: string; selfPayAmount: string; reasons: Reason[]; message: Text }[];
  totals: { totalAmount: string; insuranceAmount: string; selfPayAmount: string };
  reasons: Reason[];
  account: AccountAnswer | null;
  /** The card in the terminal; null for a customer who presented an e-voucher instead. */
  card: MaskedCard | null;
  /** The customer without the card; null when the card was read. */
  person: MaskedPerson | null;
  catalogueVersion: number | null;
}

/** Who is at the till: the card read in the terminal, or a credential of a customer without the card. */
export type Customer = { cardSession: string } | { credential: PersonOnly };
type PersonOnly = Exclude<PersonCredential, { kind: 'card' }>;

/** What the precheck needs to know of the customer, whichever way they presented. */
interface Presented {
  cardChecks: readonly Reason[];
  card: MaskedCard | null;
  person: MaskedPerson | null;
  holder: Holder;
  account: AccountAnswer | null;
  accountFinding: GateInput['account'];
  balanceFen: number | undefined;
  /** 1101 psn_type of the deciding insurance row: the class-B share may depend on it. */
  personType: string | null;
}

export interface CounterDeps {
  terminal: CardTerminal;
  sessions: CardSessions;
  accounts: AccountService;
  catalogue: CatalogueStore;
  audit: AuditTrail;
  terminalId: string;
  /** Regional rules (config/rules.json) the precheck applies. */
  rules: RulesConfig;
  today?: () => string;
  /** Told of every audited precheck decision (metrics). */
  observer?: CounterObserver;
}

/** What the counter reports as it decides: the narrow hook metrics hang on, so checkout/ knows nothing of Prometheus. */
export interface CounterObserver {
  precheckDecided(decision: Decision, reasonCodes: readonly string[]): void;
}

/**
 * The counter's flows: read the card, check the account, precheck the basket. Knows no HTTP;
 * every decision is appended to the audit trail before it is returned.
 */
export class Counter {
  private readonly today: () => string;
  private readonly policy: RulesPolicy;
  private readonly maskedCards = new WeakMap<CardIdentity, MaskedCard>();

  constructor(private readonly deps: CounterDeps) {
    this.policy = rulesPolicy(deps.rules);
    this.today = deps.today ?? chinaToday();
  }

  async readCard(caller: Caller): Promise<CardReadAnswer> {
    const chip = await this.deps.terminal.read();
    const checks = [...chip.checks];
    let answer: CardReadAnswer;
    if (!chip.card) {
      answer = { card: null, cardSession: null, checks, usable: false };
    } else {
      // The back-office card state (activated, lost, cancelled) lives on the platform.
      try {
        // A card read starts a checkout: ask the platform afresh; the checkout's later steps reuse this answer.
        const account = await this.deps.accounts.check(chip.card, { fresh: true });
        checks.push(...account.reasons.filter((r) => r.code.startsWith('CARD_')));
      } catch (err) {
        if (!(err instanceof ServiceFault)) throw err;
        checks.push(err.reason);
      }
      const session = this.deps.sessions.open(chip.card, checks);
      answer = { card: this.masked(chip.card), cardSession: session.id, checks, usable: !checks.some((c) => c.severity === 'error') };
    }
    await this.deps.audit.append({
      kind: 'card-read', outcome: answer.usable ? 'ok' : 'problem', cashierId: null, tokenId: caller.tokenId, terminalId: this.deps.terminalId,
      cardMasked: answer.card?.cardNumber ?? null, holder: chip.card ?? null, catalogueVersion: null,
      reasonCodes: checks.map((c) => c.code), body: answer,
    });
    return answer;
  }

  async verifyPin(cardSession: string, caller: Caller): Promise<{ ok: boolean; reasons: Reason[] }> {
    const session = this.session(cardSession);
    const outcome = await this.deps.terminal.verifyPin(session.card);
    session.pinVerified = outcome.ok;
    // An initial or locked PIN shows once the PIN is typed; it then holds the checkout back like any card check.
    const found = outcome.ok ? undefined : outcome.reason;
    if (found && (found.code === 'PIN_INITIAL' || found.code === 'PIN_LOCKED') && !session.checks.some((c) => c.code === found.code)) session.checks.push(found);
    return this.pinAnswer(session, outcome, caller, 'verify');
  }

  async changePin(cardSession: string, caller: Caller): Promise<{ ok: boolean; reasons: Reason[] }> {
    const session = this.session(cardSession);
    const outcome = await this.deps.terminal.changePin(session.card);
    if (outcome.ok) session.checks = session.checks.filter((c) => c.code !== 'PIN_INITIAL');
    return this.pinAnswer(session, outcome, caller, 'change');
  }

  async checkAccount(cardSession: string, caller: Caller): Promise<AccountAnswer> {
    const session = this.session(cardSession);
    const status = await this.deps.accounts.check(session.card);
    const answer = accountAnswer(status);
    await this.deps.audit.append({
      kind: 'account-check', outcome: answer.eligible ? 'ok' : 'problem', cashierId: null, tokenId: caller.tokenId, terminalId: this.deps.terminalId,
      cardMasked: this.masked(session.card).cardNumber, holder: session.card, catalogueVersion: null,
      reasonCodes: answer.reasons.map((r) => r.code), body: answer,
    });
    return answer;
  }

  /**
   * The account of a customer without the card in the terminal, by ID number (mdtrt_cert_type
   * 02) or e-voucher token (01), audited like the card path: the record carries the person's
   * keyed hash and masked ID number; the token, full ID number and name never reach it.
   */
  async checkPersonAccount(credential: PersonOnly, caller: Caller): Promise<AccountAnswer> {
    const status = await this.deps.accounts.checkPerson(credential);
    const answer = accountAnswer(status);
    const holder = holderOf(credential, status);
    await this.deps.audit.append({
      kind: 'account-check', outcome: answer.eligible ? 'ok' : 'problem', cashierId: null, tokenId: caller.tokenId, terminalId: this.deps.terminalId,
      cardMasked: null, holder, catalogueVersion: null,
      reasonCodes: answer.reasons.map((r) => r.code), body: { credential: credential.kind, idNumber: holder.idNumber ? maskIdNumber(holder.idNumber) : null, ...answer },
    });
    return answer;
  }

  /**
   * The answer, and its JSON: the very bytes the audit trail stored (canonical, scrubbed), with
   * the decision id in front. Sending those means the cashier's answer is byte for byte the
   * audited decision, and the answer is serialised once, not twice.
   */
  async precheck(input: { customer: Customer; cashierId: string; lines: BasketLine[] }, caller: Caller): Promise<{ answer: PrecheckAnswer; json: string }> {
    const { cardChecks, card, person, holder, account, accountFinding, balanceFen, personType } = await this.presented(input.customer);
    const index = this.deps.catalogue.index;
    const gate = basketGate({ cardChecks, account: accountFinding, catalogueLoaded: index.loaded });
    const result = evaluateBasket(input.lines, { index, policy: this.policy, today: this.today(), gate, balanceFen, personType });
    // Keys in sorted order, the order of the audit trail's canonical JSON: encoding copies nothing.
    const body = {
      account,
      card,
      catalogueVersion: index.version?.id ?? null,
      decision: result.decision,
      items: result.lines.map((l) => ({
        code: l.code, insuranceAmount: formatYuan(l.insuranceFen), lineId: l.lineId, message: l.message, name: l.name,
        reasons: l.reasons, selfPayAmount: formatYuan(l.selfPayFen), totalAmount: formatYuan(l.totalFen), verdict: l.verdict,
      })),
      person,
      reasons: result.reasons,
      totals: { insuranceAmount: formatYuan(result.totals.insuranceFen), selfPayAmount: formatYuan(result.totals.selfPayFen), totalAmount: formatYuan(result.totals.totalFen) },
    };
    const reasonCodes = [...result.reasons, ...result.lines.flatMap((l) => l.reasons)].map((r) => r.code);
    const record = await this.deps.audit.append({
      kind: 'precheck', outcome: result.decision, cashierId: input.cashierId, tokenId: caller.tokenId, terminalId: this.deps.terminalId,
      cardMasked: card?.cardNumber ?? null, holder, catalogueVersion: body.catalogueVersion,
      reasonCodes, body,
    });
    this.deps.observer?.precheckDecided(result.decision, reasonCodes);
    return { answer: { decisionId: record.id, ...body }, json: `{"decisionId":${JSON.stringify(record.id)},${record.body.slice(1)}` };
  }

  private async presented(customer: Customer): Promise<Presented> {
    if ('cardSession' in customer) {
      const session = this.session(customer.cardSession);
      const found = await accountFinding(() => this.deps.accounts.check(session.card));
      return { cardChecks: session.checks, card: this.masked(session.card), person: null, holder: session.card, ...found };
    }
    const { credential } = customer;
    let status: PersonAccount | undefined;
    const found = await accountFinding(async () => (status = await this.deps.accounts.checkPerson(credential)));
    const holder = holderOf(credential, status);
    const person: MaskedPerson = { credential: credential.kind, idNumber: holder.idNumber ? maskIdNumber(holder.idNumber) : null, name: holder.name ? maskName(holder.name) : null };
    return { cardChecks: [], card: null, person, holder, ...found };
  }

  private async pinAnswer(session: CardSession, outcome: { ok: boolean; reason?: Reason }, caller: Caller, action: string) {
    const reasons = outcome.ok ? [] : [outcome.reason!];
    await this.deps.audit.append({
      kind: 'pin', outcome: outcome.ok ? 'ok' : 'problem', cashierId: null, tokenId: caller.tokenId, terminalId: this.deps.terminalId,
      cardMasked: this.masked(session.card).cardNumber, holder: session.card, catalogueVersion: null,
      reasonCodes: reasons.map((r) => r.code), body: { action, ok: outcome.ok, reasons },
    });
    return { ok: outcome.ok, reasons };
  }

  /** The masked card, made once per card read: every step of a checkout answers and audits the same one. */
  private masked(card: CardIdentity): MaskedCard {
    let m = this.maskedCards.get(card);
    if (!m) this.maskedCards.set(card, (m = maskCard(card)));
    return m;
  }

  private session(id: string): CardSession {
    const s = this.deps.sessions.get(id);
    if (!s) throw new ServiceFault('INVALID_REQUEST', { field: 'cardSession', message: 'unknown or expired card session; read the card again' }, { status: 404 });
    return s;
  }
}

/**
 * The account for a precheck, or why there is none: a platform or system fault is a system
 * finding; a credential the platform refused (an expired e-voucher) is an account finding, the
 * customer's to fix, which blocks the basket like a suspended account.
 */
async function accountFinding(check: () => Promise<AccountStatus>): Promise<Pick<Presented, 'account' | 'accountFinding' | 'balanceFen' | 'personType'>> {
  try {
    const status = await check();
    return { account: accountAnswer(status), accountFinding: { reasons: status.reasons }, balanceFen: status.insurance?.balanceFen, personType: status.insurance?.personType ?? null };
  } catch (err) {
    if (!(err instanceof ServiceFault)) throw err;
    return { account: null, accountFinding: reasonGroup(err.code) === 'system' ? { fault: err.reason } : { reasons: [err.reason] }, balanceFen: undefined, personType: null };
  }
}

/** Who a credential of a customer without the card names: from the credential, else as the platform answered. The token too, so the trail can scrub it. */
function holderOf(credential: PersonOnly, status: PersonAccount | undefined): Holder {
  const idNumber = credential.kind === 'id-number' ? credential.idNumber : status?.person.idNumber ?? undefined;
  const name = status?.person.name ?? (credential.kind === 'id-number' ? credential.name : undefined);
  return { idNumber, name, token: credential.kind === 'ec-token' ? credential.token : undefined };
}

/** Members in sorted order, as the audit trail's canonical JSON writes them. */
function accountAnswer(s: AccountStatus): AccountAnswer {
  return {
    balance: s.insurance ? formatYuan(s.insurance.balanceFen) : null,
    eligible: s.eligible,
    insuranceType: s.insurance?.type ?? null,
    insured: s.insurance !== null,
    personType: s.insurance?.personType ?? null,
    reasons: s.reasons,
    status: s.insurance?.status ?? null,
    suspendedSince: s.insurance?.suspendedSince ?? null,
  };
}
