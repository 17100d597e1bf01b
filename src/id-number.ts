/**
 * The citizen identity number (公民身份号码, GB 11643-1999): 6-digit address code, 8-digit birth
 * date, 3-digit sequence, and a check digit (0-9 or X) over the first 17 by ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character the first 17 digits call for. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * What is wrong with a typed ID number, in words that never repeat it; null when it is well
 * formed. A lower-case x is accepted as the check character (normalise with toUpperCase).
 */
export function idNumberProblem(id: string): string | null {
  if (!/^\d{17}[\dXx]$/.test(id)) return 'must be 18 characters: 17 digits and a check digit (0-9 or X)';
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return 'characters 7-14 must be a birth date (YYYYMMDD)';
  if (idNumberCheckChar(id) !== id[17]!.toUpperCase()) return 'the check digit (the last character) does not match the others: mistyped?';
  return null;
}
