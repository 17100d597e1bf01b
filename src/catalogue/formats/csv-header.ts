import { fieldError } from '../import-error.js';

/** A column known by its canonical name and the headers that may stand for it. */
export type HeaderSpec<K extends string> = Record<K, { aliases: readonly string[]; required: boolean }>;

/**
 * Finds each known column in a header row, by any of its names (case and spaces ignored).
 * Throws FieldError naming the first required header that is missing or repeated.
 */
export function locateHeaders<K extends string>(header: string[], spec: HeaderSpec<K>): Record<K, number | undefined> {
  const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  const cells = header.map(norm);
  const out = {} as Record<K, number | undefined>;
  for (const key of Object.keys(spec) as K[]) {
    const names = [key, ...spec[key].aliases].map(norm);
    const hits = cells.flatMap((c, i) => (names.includes(c) ? [i] : []));
    if (hits.length > 1) fieldError(key, `column appears ${hits.length} times in the header`);
    if (hits.length === 0 && spec[key].required) fieldError(key, `header not found (expected one of: ${[key, ...spec[key].aliases].join(', ')})`);
    out[key] = hits[0];
  }
  return out;
}

/** True when the header row names every required column of the spec. */
export function headerMatches<K extends string>(header: string[], spec: HeaderSpec<K>): boolean {
  try {
    locateHeaders(header, spec);
    return true;
  } catch {
    return false;
  }
}
