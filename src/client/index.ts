import type { Static } from 'typebox';
import type { AccountCheckBody } from '../http/routes/account.js';
import type { AuditRecordSchema, AuditSummarySchema, VerifySchema } from '../http/routes/audit.js';
import type { CardReadAnswer, PinAnswer } from '../http/routes/card.js';
import type { CatalogueItemSchema } from '../http/routes/catalogue.js';
import type { PrecheckAnswer, PrecheckBody } from '../http/routes/checkout.js';
import type { ReadyAnswer } from '../http/observability/readiness.js';
import type { AccountSchema, ReasonSchema } from '../http/schemas.js';

/*
 * A typed client for POS integrations. The types come from the service's own route schemas
 * (type-only imports, so nothing of the server is loaded at run time): if the contract
 * changes, code built against this client stops compiling instead of failing at the counter.
 * It needs only `fetch` (Node 18+, browsers, Electron).
 */

export type Reason = Static<typeof ReasonSchema>;
export type CardRead = Static<typeof CardReadAnswer>;
export type PinResult = Static<typeof PinAnswer>;
export type Account = Static<typeof AccountSchema>;
type AccountCheck = Static<typeof AccountCheckBody>;
/** The fields K (and optionally O) of the account check, and none of the others. */
type Only<K extends keyof AccountCheck, O extends keyof AccountCheck = never> =
  Required<Pick<AccountCheck, K>> & Pick<AccountCheck, O> & { [P in Exclude<keyof AccountCheck, K | O>]?: never };
/**
 * How the customer presents, exactly one way: the card read in the terminal, the citizen ID
 * number (with the name where the province asks for it), or the medical insurance e-voucher's
 * ecToken. The route's schema has every field optional and checks "exactly one" itself; this
 * type says it, so two credentials do not compile.
 */
export type AccountCredential = Only<'cardSession'> | Only<'idNumber', 'name'> | Only<'ecToken'>;
type PrecheckFields = Static<typeof PrecheckBody>;
/** The basket and exactly one way the customer presents: the card read in the terminal or the medical insurance e-voucher's ecToken. */
export type PrecheckRequest = Omit<PrecheckFields, 'cardSession' | 'ecToken'> & ({ cardSession: string; ecToken?: never } | { ecToken: string; cardSession?: never });
export type PrecheckLine = PrecheckRequest['items'][number];
export type Precheck = Static<typeof PrecheckAnswer>;
export type CatalogueItem = Static<typeof CatalogueItemSchema>;
export type AuditSummary = Static<typeof AuditSummarySchema>;
export type AuditRecord = Static<typeof AuditRecordSchema>;
export type AuditVerification = Static<typeof VerifySchema>;
export type Readiness = Static<typeof ReadyAnswer>;

export interface Health {
  status: 'ok' | 'degraded';
  service: { name: string; version: string; uptimeSeconds: number };
  terminal: { ok: boolean; [k: string]: unknown };
  psam: { ok: boolean; [k: string]: unknown };
  catalogue: { ok: boolean; [k: string]: unknown };
  platform: { ok: boolean; [k: string]: unknown };
}

export interface AuditFilter {
  outcome?: string;
  reason?: string;
  cashierId?: string;
  kind?: string;
  /** ISO date or date-time. */
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8731 */
  baseUrl: string;
  /** The caller's API token (`checkout-guard token create NAME ROLE`). */
  token?: string;
  /** Per request; the service's own device and platform deadlines are shorter. Default 60 s (a PIN typed on the keypad). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A non-2xx answer: `status` is the HTTP status and `reason` the contract's error reason
 * (`code`, `message.zh/en`, `remedy`, `detail`). `retryable` is true for the answers a POS may
 * simply try again later (429, 503).
 */
export class CheckoutGuardError extends Error {
  override name = 'CheckoutGuardError';
  /** `requestId`: the service's id of the request (its logs carry it); quote it to support. */
  constructor(readonly status: number, readonly reason: Reason, readonly requestId: string | null = null) {
    super(`${status} ${reason.code}: ${reason.message.en}`);
  }
  get code(): string {
    return this.reason.code;
  }
  get retryable(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

export class CheckoutGuardClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  health(): Promise<Health> {
    return this.request('GET', '/health');
  }

  /** Resolves with `ready: false` and the reasons (503) instead of throwing: not ready is an answer here. */
  ready(): Promise<Readiness> {
    return this.request('GET', '/ready', undefined, [503]);
  }

  /** Reads the card in the terminal; `cardSession` identifies this checkout from here on. */
  readCard(): Promise<CardRead> {
    return this.request('POST', '/v1/card/read');
  }

  /** The cardholder types the PIN on the terminal's keypad; this waits for it. */
  verifyPin(cardSession: string): Promise<PinResult> {
    return this.request('POST', '/v1/card/verify-pin', { cardSession });
  }

  changePin(cardSession: string): Promise<PinResult> {
    return this.request('POST', '/v1/card/change-pin', { cardSession });
  }

  /**
   * Whether the insurance account is in good standing: by the card session (a string, or
   * `{ cardSession }`), or for a customer without the card by `{ idNumber, name? }` or
   * `{ ecToken }`; the same answer either way. A malformed ID number (length, birth date, check
   * digit) throws 400 INVALID_REQUEST naming `body/idNumber` before the platform is asked.
   */
  checkAccount(credential: string | AccountCredential): Promise<Account> {
    return this.request('POST', '/v1/account/check', typeof credential === 'object' && credential !== null ? credential : { cardSession: credential });
  }

  /** What insurance pays for each line and why not; the decision is audited before it is returned. */
  precheck(request: PrecheckRequest): Promise<Precheck> {
    return this.request('POST', '/v1/checkout/precheck', request);
  }

  catalogueItem(code: string): Promise<CatalogueItem> {
    return this.request('GET', `/v1/catalogue/items/${encodeURIComponent(code)}`);
  }

  searchCatalogue(q: string, limit?: number): Promise<{ items: CatalogueItem[] }> {
    return this.request('GET', `/v1/catalogue/search${query({ q, limit })}`);
  }

  auditDecisions(filter: AuditFilter = {}): Promise<{ items: AuditSummary[]; nextCursor: string | null }> {
    return this.request('GET', `/v1/audit/decisions${query({ ...filter })}`);
  }

  auditDecision(id: string): Promise<AuditRecord> {
    return this.request('GET', `/v1/audit/decisions/${encodeURIComponent(id)}`);
  }

  verifyAudit(): Promise<AuditVerification> {
    return this.request('GET', '/v1/audit/verify');
  }

  /** Mock terminal only (absent with a real reader): the virtual cards of devices/cards. `ecToken` only with the built-in platform simulator: what the e-voucher scanner would read for a virtual card. */
  readonly dev = {
    insertCard: (scenario: string): Promise<{ inserted: string | null; scenarios: string[] }> => this.request('POST', '/v1/dev/terminal/card', { scenario }),
    removeCard: (): Promise<{ inserted: string | null; scenarios: string[] }> => this.request('DELETE', '/v1/dev/terminal/card'),
    ecToken: async (scenario: string): Promise<string> => (await this.request<{ ecToken: string }>('POST', '/v1/dev/ec-token', { scenario })).ecToken,
  };

  /**
   * Any route, for what this client does not wrap yet. Non-2xx answers throw CheckoutGuardError
   * unless listed in `accept`. `requestId` (letters, digits, `._:-`, up to 64) is sent as
   * X-Request-Id, so the POS's log and the service's log name the same request.
   */
  async request<T>(method: string, path: string, body?: unknown, accept: number[] = [], requestId?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (requestId) headers['x-request-id'] = requestId;
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(this.baseUrl + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    const parsed = parse(text);
    if (res.ok || accept.includes(res.status)) return parsed as T;
    const reason = (parsed as { error?: Reason } | undefined)?.error;
    throw new CheckoutGuardError(res.status, reason ?? { code: 'INTERNAL_ERROR', severity: 'error', message: { zh: `HTTP ${res.status}`, en: `HTTP ${res.status}` }, detail: { body: text.slice(0, 200) } }, res.headers.get('x-request-id'));
  }
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}
