import { maskCardId, maskCardNumber, maskIdNumber, maskName } from '../mask.js';
import type { CardIdentity, MaskedCard } from './types.js';

/** Members in sorted order, the order of the audit trail's canonical JSON, so recording a decision copies no card. */
export function maskCard(card: CardIdentity): MaskedCard {
  return {
    cardId: maskCardId(card.cardId),
    cardNumber: maskCardNumber(card.cardNumber),
    expiryDate: card.expiryDate,
    idNumber: maskIdNumber(card.idNumber),
    issueDate: card.issueDate,
    name: maskName(card.name),
    regionCode: card.regionCode,
    specVersion: card.specVersion,
  };
}
