import { maskCardId, maskCardNumber, maskIdNumber, maskName } from '../mask.js';
import type { CardIdentity, MaskedCard } from './types.js';

export function maskCard(card: CardIdentity): MaskedCard {
  return {
    regionCode: card.regionCode,
    cardId: maskCardId(card.cardId),
    cardNumber: maskCardNumber(card.cardNumber),
    idNumber: maskIdNumber(card.idNumber),
    name: maskName(card.name),
    specVersion: card.specVersion,
    issueDate: card.issueDate,
    expiryDate: card.expiryDate,
  };
}
