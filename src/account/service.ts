import type { CardIdentity } from '../card/types.js';
import type { PlatformClient } from './client.js';
import { eligibilityOf, type AccountStatus } from './eligibility.js';
import { cardCredential, credentialRefusal, queryPerson, type PersonCredential, type RefusalInfcodes } from './tx/1101-person-info.js';

/**
 * An account status and who the platform says the person is (baseinfo certno, psn_name): for a
 * check by e-voucher the counter learns the person only from this. Personal data: hashed and
 * masked for the audit trail, never logged or answered in full.
 */
export interface PersonAccount extends AccountStatus {
  person: { idNumber: string | null; name: string | null };
}

export interface AccountServiceOptions {
  /** How long a fresh answer may be reused (card read, account check and precheck of one checkout); 0 disables reuse. */
  cacheMs: number;
  /** Bound on remembered answers. */
  maxEntries?: number;
  /** Province infcodes that say an ID number or e-voucher is no good (see credentialRefusal). */
  refusalInfcodes?: RefusalInfcodes;
  clock?: () => number;
}

/**
 * Account checks for the counter. A successful answer is reused for at most `cacheMs` so the
 * steps of one checkout agree and the platform is asked once; faults are never remembered,
 * and concurrent checks of the same person share one platform query.
 */
export class AccountService {
  private readonly cache = new Map<string, { at: number; status: PersonAccount }>();
  private readonly inFlight = new Map<string, Promise<PersonAccount>>();
  private readonly clock: () => number;
  private readonly maxEntries: number;

  constructor(private readonly client: PlatformClient, private readonly options: AccountServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  /** `fresh` skips a remembered answer: a new card read starts a new checkout. */
  check(card: CardIdentity, options: { fresh?: boolean } = {}): Promise<PersonAccount> {
    return this.checkPerson(cardCredential(card), options);
  }

  checkPerson(credential: PersonCredential, options: { fresh?: boolean } = {}): Promise<PersonAccount> {
    const key = keyOf(credential);
    if (options.fresh) {
      // The previous checkout's answer ends here, even if this query fails.
      this.cache.delete(key);
    } else {
      const hit = this.cache.get(key);
      if (hit && this.clock() - hit.at < this.options.cacheMs) return Promise.resolve(hit.status);
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.query(key, credential);
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async query(key: string, credential: PersonCredential): Promise<PersonAccount> {
    try {
      const info = await queryPerson(this.client, credential);
      // Added to the fresh status rather than spread into a copy: V8's spread-plus-field copy costs µs a check.
      const status: PersonAccount = Object.assign(eligibilityOf(info), { person: { idNumber: info.baseinfo.certno || null, name: info.baseinfo.psn_name || null } });
      if (this.options.cacheMs > 0) this.remember(key, status);
      return status;
    } catch (err) {
      throw credentialRefusal(credential, err, this.options.refusalInfcodes) ?? err;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, status: PersonAccount): void {
    const now = this.clock();
    this.cache.delete(key);
    this.cache.set(key, { at: now, status });
    // Insertion order is age order: drop the expired and the oldest beyond the bound.
    for (const [k, v] of this.cache) {
      if (now - v.at < this.options.cacheMs && this.cache.size <= this.maxEntries) break;
      this.cache.delete(k);
    }
  }
}

function keyOf(c: PersonCredential): string {
  switch (c.kind) {
    case 'card':
      return `03:${c.cardSn}:${c.cardNumber}`;
    case 'id-number':
      return `02:${c.idNumber}`;
    case 'ec-token':
      return `01:${c.token}`;
  }
}
