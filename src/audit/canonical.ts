import { createHash } from 'node:crypto';

/** Chain hash algorithms. SM3 (GB/T 32905) is the default for a Chinese insurance-fund auditor; SHA-256 is selectable. */
export const HASH_ALGORITHMS = ['sm3', 'sha256'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** prev_hash of the very first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag inside every encoded record, so a later encoding can never be confused with this one. */
export const ENCODING = 'checkout-guard/audit-record/2';

/** The fields of a record that its chain hash covers, exactly as stored. */
export interface ChainedFields {
  seq: number;
  id: string;
  at: string;
  kind: string;
  outcome: string;
  cashierId: string | null;
  tokenId: string | null;
  terminalId: string | null;
  cardMasked: string | null;
  cardHash: string | null;
  personHash: string | null;
  catalogueVersion: number | null;
  /** Space-separated codes, as stored. */
  reasonCodes: string;
  alg: HashAlgorithm;
  prevHash: string;
  /** Canonical JSON of the decision, as stored. */
  body: string;
}

/** The fields before the decision, in encoding order (verify selects its columns in this order). */
export const HEAD_FIELDS = ['seq', 'id', 'at', 'kind', 'outcome', 'cashierId', 'tokenId', 'terminalId', 'cardMasked', 'cardHash', 'personHash', 'catalogueVersion', 'reasonCodes', 'alg', 'prevHash'] as const;

/**
 * The canonical encoding: the UTF-8 bytes of the JSON array
 * [ENCODING, ...HEAD_FIELDS values, decision], where the decision is embedded as its stored
 * canonical JSON (a JSON value, not a string). JSON.stringify of strings, integers and nulls
 * is deterministic, so anyone can recompute it from an export (docs/audit.md). Keeping the
 * decision unescaped and last lets verify hash the stored bytes as they are.
 */
export function encodeRecord(r: ChainedFields): string {
  return encodeHead(HEAD_FIELDS.map((k) => r[k])) + r.body + ']';
}

/** `[ENCODING, ...values,` : the encoding up to the decision. */
export function encodeHead(values: readonly unknown[]): string {
  return JSON.stringify([ENCODING, ...values]).slice(0, -1) + ',';
}

export function chainHash(r: ChainedFields): string {
  return linkHash(r.alg, encodeHead(HEAD_FIELDS.map((k) => r[k])), r.body);
}

/** Hash of an encoded head and the decision's stored bytes (or text). */
export function linkHash(alg: HashAlgorithm, head: string, body: string | Buffer): string {
  return createHash(alg).update(head, 'utf8').update(body).update(']').digest('hex');
}

/**
 * JSON with object keys sorted at every level and no whitespace: the decision body's stored
 * form, so an export's parsed `decision` re-encodes to the very bytes that were hashed.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function isHashAlgorithm(v: string): v is HashAlgorithm {
  return (HASH_ALGORITHMS as readonly string[]).includes(v);
}
