/**
 * Masking of personal data for everything that leaves the service (answers, logs, audit).
 * Shapes follow the contract: card number X0000****, ID number 1111**********1110, name 张*.
 */
export function maskCardNumber(cardNumber: string): string {
  if (cardNumber.length <= 4) return '*'.repeat(cardNumber.length);
  return cardNumber.slice(0, cardNumber.length - 4) + '****';
}

export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** 卡识别码: the issuing region (first 6) stays readable, the serial part does not. */
export function maskCardId(cardId: string): string {
  if (cardId.length <= 10) return '*'.repeat(cardId.length);
  return cardId.slice(0, 6) + '*'.repeat(cardId.length - 10) + cardId.slice(-4);
}
