import type { CardIdentity } from '../card/types.js';
import type { PlatformClient } from './client.js';
import { eligibilityOf, type AccountStatus } from './eligibility.js';
import { queryPersonByCard } from './tx/1101-person-info.js';

/**
 * Account checks for the counter: one platform query per card per checkout, reused for at
 * most `cacheMs` so that card read, account check and precheck agree and the platform is
 * asked once.
 */
export class AccountService {
  private readonly cache = new Map<string, { at: number; status: AccountStatus }>();

  constructor(private readonly client: PlatformClient, private readonly cacheMs: number, private readonly now: () => number = Date.now) {}

  async check(card: CardIdentity): Promise<AccountStatus> {
    const key = card.cardId;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.status;
    const status = eligibilityOf(await queryPersonByCard(this.client, card));
    this.cache.set(key, { at: this.now(), status });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return status;
  }
}
