/**
 * Exact amounts. Money is held as integer fen (1 yuan = 100 fen) and crosses the service's
 * edge as decimal strings in yuan ("12.50"), so no binary float ever carries a price.
 */
export type Fen = number;

const DECIMAL = /^(0|[1-9]\d{0,9})(?:\.(\d{1,2}))?$/;
/** Largest amount accepted at the edge: ten billion yuan keeps every product below 2^53. */
export const MAX_FEN = 1_000_000_000_000;

/** Parses "12.5", "12.50" or "12" into fen; undefined for anything else (signs, 3+ decimals, exponents). */
export function parseYuan(text: string): Fen | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen <= MAX_FEN ? fen : undefined;
}

export function formatYuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A proportion such as a class-B self-pay share ("0.10"), held as parts per 10,000 so that
 * applying it to an amount is one integer multiplication and one rounding.
 */
export type Ratio = number;
export const RATIO_ONE: Ratio = 10_000;

export function parseRatio(text: string): Ratio | undefined {
  const m = /^(0|1)(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * RATIO_ONE + Number((m[2] ?? '').padEnd(4, '0'));
  return value <= RATIO_ONE ? value : undefined;
}

export function formatRatio(ratio: Ratio): string {
  return `${Math.floor(ratio / RATIO_ONE)}.${String(ratio % RATIO_ONE).padStart(4, '0')}`;
}

/** amount x ratio, rounded half up to the fen: the patient's share is never computed in floats. */
export function applyRatio(amount: Fen, ratio: Ratio): Fen {
  return Math.floor((amount * ratio + RATIO_ONE / 2) / RATIO_ONE);
}
