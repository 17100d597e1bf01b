import type { Reason, ReasonCode, ReasonVariant } from '../reasons.js';

/**
 * What a basket line's verdict means at the counter (docs/rules.md says it at length):
 * - covered: insurance pays insuranceAmount; the customer pays selfPayAmount in cash (class-B
 *   share, price above the cap, units above a supply limit, account balance too low);
 * - rejected: insurance pays nothing as the line is entered, but the cashier can fix the entry
 *   (prescription number, diagnosis, quantity, price) and precheck again;
 * - self-pay: insurance pays nothing for this line in this purchase, whatever the cashier enters.
 */
export type Verdict = 'covered' | 'self-pay' | 'rejected';

type ItemCode = Extract<ReasonCode, `ITEM_${string}`>;
type CaseKey<C extends ReasonCode> = [ReasonVariant<C>] extends [never] ? C : `${C}/${ReasonVariant<C>}`;
type LineCase = { [C in ItemCode]: CaseKey<C> }[ItemCode] | 'ACCOUNT_BALANCE_LOW';

/**
 * The verdict each line reason leads to, per code and case (`detail.variant`). The type makes
 * the table complete: a new item code or case does not compile until it is placed here.
 */
export const REASON_VERDICTS: Readonly<Record<LineCase, Verdict>> = {
  'ITEM_NOT_IN_CATALOGUE/unknown-code': 'self-pay',
  'ITEM_NOT_IN_CATALOGUE/unmapped': 'self-pay',
  ITEM_DISCONTINUED: 'self-pay',
  'ITEM_LISTING_NOT_EFFECTIVE/not-yet': 'self-pay',
  'ITEM_LISTING_NOT_EFFECTIVE/ended': 'self-pay',
  'ITEM_LISTING_NOT_EFFECTIVE/invalid': 'self-pay',
  ITEM_NOT_COVERED: 'self-pay',
  'ITEM_RESTRICTED_USE/hospital-only': 'self-pay',
  'ITEM_QUANTITY_LIMIT/exhausted': 'self-pay',
  ITEM_PRESCRIPTION_REQUIRED: 'rejected',
  'ITEM_RESTRICTED_USE/needs-diagnosis': 'rejected',
  'ITEM_QUANTITY_LIMIT/refuse': 'rejected',
  'ITEM_PRICE_ABOVE_CAP/refuse': 'rejected',
  'ITEM_RESTRICTED_USE/recorded': 'covered',
  'ITEM_QUANTITY_LIMIT/self-pay-excess': 'covered',
  'ITEM_PRICE_ABOVE_CAP/self-pay-excess': 'covered',
  ACCOUNT_BALANCE_LOW: 'covered',
};

const RANK: Record<Verdict, number> = { covered: 0, rejected: 1, 'self-pay': 2 };

/** The table by code, then case: looked up per reason on every line, so no key strings are built. */
const BY_CODE = new Map<string, Map<string | undefined, Verdict>>();
for (const [key, verdict] of Object.entries(REASON_VERDICTS)) {
  const [code, variant] = key.split('/') as [string, string | undefined];
  if (!BY_CODE.has(code)) BY_CODE.set(code, new Map());
  BY_CODE.get(code)!.set(variant, verdict);
}

export function verdictOf(r: Reason): Verdict {
  const variant = r.detail?.['variant'];
  const verdict = BY_CODE.get(r.code)?.get(typeof variant === 'string' ? variant : undefined);
  if (verdict === undefined) throw new Error(`no verdict for line reason ${r.code}${typeof variant === 'string' ? `/${variant}` : ''}`);
  return verdict;
}

/** Self-pay outranks rejected: fixing an entry is pointless when insurance cannot pay anyway. */
export function stronger(a: Verdict, b: Verdict): Verdict {
  return RANK[b] > RANK[a] ? b : a;
}
