import { reason, reasonGroup, type Reason } from '../reasons.js';

export interface GateInput {
  /** What the card read found (chip and back office) when the checkout began. */
  cardChecks: readonly Reason[];
  /** The account check for this precheck: its reasons, or the fault that kept it from answering. */
  account: { reasons: readonly Reason[] } | { fault: Reason };
  catalogueLoaded: boolean;
}

/**
 * Everything that stops insurance paying for the whole basket, system faults first: a terminal,
 * platform or catalogue fault is reported as itself and never as a card, account or item problem.
 * System findings kept from the card read are dropped: the precheck asks the platform again.
 */
export function basketGate(input: GateInput): Reason[] {
  const system: Reason[] = [];
  if ('fault' in input.account) system.push(input.account.fault);
  if (!input.catalogueLoaded) system.push(reason('CATALOGUE_NOT_LOADED'));
  const others: Reason[] = [];
  const seen = new Set<string>();
  const accountReasons = 'reasons' in input.account ? input.account.reasons : [];
  for (const r of [...input.cardChecks, ...accountReasons]) {
    if (r.severity !== 'error' || reasonGroup(r.code) === 'system' || seen.has(r.code)) continue;
    seen.add(r.code);
    others.push(r);
  }
  return [...system, ...others];
}
