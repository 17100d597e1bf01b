import { createHash } from 'node:crypto';

/** Chain hash algorithms. SM3 (GB/T 32905) is the default for a Chinese insurance-fund auditor; SHA-256 is selectable. */
export const HASH_ALGORITHMS = ['sm3', 'sha256'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** prev_hash of the very first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag inside every encoded record, so a later encoding can never be confused with this one. */
export const ENCODING = 'checkout-guard/audit-record/1';

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
  /** Canonical JSON of the decision, as stored. */
  body: string;
  alg: HashAlgorithm;
  prevHash: string;
}

/**
 * The canonical encoding: UTF-8 of a JSON array of the fields in a fixed order, preceded by
 * the encoding tag. JSON.stringify of strings, integers and nulls is deterministic, so anyone
 * can recompute it from an export (docs/audit.md spells it out for an auditor's own tool).
 */
export function encodeRecord(r: ChainedFields): string {
  return JSON.stringify([ENCODING, r.seq, r.id, r.at, r.kind, r.outcome, r.cashierId, r.tokenId, r.terminalId, r.cardMasked, r.cardHash, r.personHash, r.catalogueVersion, r.reasonCodes, r.alg, r.body, r.prevHash]);
}

export function chainHash(r: ChainedFields): string {
  return createHash(r.alg).update(encodeRecord(r), 'utf8').digest('hex');
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
