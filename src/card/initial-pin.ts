import type { CardIdentity } from './types.js';

/**
 * The region's default PINs for one card, from config/rules.json `initialPin.rules`:
 * `card-number-last-6` (the article's rule) or `fixed:NNNNNN`. They travel to the terminal,
 * which compares them with what the cardholder types; software never learns the PIN itself.
 */
export function defaultPins(rules: readonly string[], card: Pick<CardIdentity, 'cardNumber'>): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (rule === 'card-number-last-6') {
      const last = card.cardNumber.slice(-6);
      if (/^\d{6}$/.test(last)) out.add(last);
    } else if (rule.startsWith('fixed:') && /^\d{6}$/.test(rule.slice(6))) {
      out.add(rule.slice(6));
    }
  }
  return [...out];
}
