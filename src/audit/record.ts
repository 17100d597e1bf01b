import { canonicalJson, isHashAlgorithm, type ChainedFields, type HashAlgorithm } from './canonical.js';

export const DECISION_KINDS = ['precheck', 'card-read', 'account-check', 'pin'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** allow | partial | block for a precheck, ok | problem for the checks. */
export const OUTCOMES = ['allow', 'partial', 'block', 'ok', 'problem'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The person's full values as read or asked for: hashed and used to prove the body leaks none of them, never stored. */
export interface Holder {
  /** Absent for a check without the card (by ID number or e-voucher): no card hash then. */
  cardNumber?: string;
  /** Absent when the platform did not say whose e-voucher it was: no person hash then. */
  idNumber?: string;
  name?: string;
  cardId?: string;
  /** A medical insurance e-voucher token: scrubbed whole, never kept even masked. */
  token?: string;
}

/** One decision as the counter hands it to the trail. */
export interface AuditInput {
  kind: DecisionKind;
  outcome: Outcome;
  cashierId: string | null;
  tokenId: string | null;
  terminalId: string | null;
  cardMasked: string | null;
  holder: Holder | null;
  catalogueVersion: number | null;
  reasonCodes: string[];
  /** The decision as answered (already masked). */
  body: unknown;
}

/** A row of audit_decisions. */
export interface AuditRecord extends ChainedFields {
  hash: string;
}

/** What the list answers: enough to scan, no decision body. */
export type RecordSummary = Pick<ChainedFields, 'seq' | 'id' | 'at' | 'kind' | 'outcome' | 'cashierId' | 'terminalId' | 'cardMasked' | 'personHash' | 'catalogueVersion'> & {
  reasonCodes: string[];
};

/**
 * The full record as the API, JSON-lines exports and archives give it. Everything the chain
 * hash covers is here, so an auditor can recompute it: body = canonicalJson(decision),
 * reasonCodes joined by one space, alg = algorithm.
 */
export type RecordView = RecordSummary & {
  tokenId: string | null;
  cardHash: string | null;
  algorithm: string;
  decision: unknown;
  prevHash: string;
  hash: string;
};

/** Column list that reads a row as an AuditRecord. */
export const RECORD_COLUMNS = 'seq, id, at, kind, outcome, cashier_id AS cashierId, token_id AS tokenId, terminal_id AS terminalId, card_masked AS cardMasked, card_hash AS cardHash, person_hash AS personHash, catalogue_version AS catalogueVersion, reason_codes AS reasonCodes, body, alg, prev_hash AS prevHash, hash';
/** What a summary needs: no body, so a page never reads the decision bodies. */
export const SUMMARY_COLUMNS = 'seq, id, at, kind, outcome, cashier_id AS cashierId, terminal_id AS terminalId, card_masked AS cardMasked, person_hash AS personHash, catalogue_version AS catalogueVersion, reason_codes AS reasonCodes';

export function splitCodes(reasonCodes: string): string[] {
  return reasonCodes === '' ? [] : reasonCodes.split(' ');
}

export function toSummary(r: Pick<AuditRecord, 'seq' | 'id' | 'at' | 'kind' | 'outcome' | 'cashierId' | 'terminalId' | 'cardMasked' | 'personHash' | 'catalogueVersion' | 'reasonCodes'>): RecordSummary {
  return {
    seq: r.seq, id: r.id, at: r.at, kind: r.kind, outcome: r.outcome, cashierId: r.cashierId, terminalId: r.terminalId,
    cardMasked: r.cardMasked, personHash: r.personHash, catalogueVersion: r.catalogueVersion, reasonCodes: splitCodes(r.reasonCodes),
  };
}

export function toView(r: AuditRecord): RecordView {
  return { ...toSummary(r), tokenId: r.tokenId, cardHash: r.cardHash, algorithm: r.alg, decision: JSON.parse(r.body) as unknown, prevHash: r.prevHash, hash: r.hash };
}

/** Rebuilds the stored record from a view read back from an export or archive; undefined when the line is not one. */
export function fromView(v: unknown): AuditRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const str = (k: string) => typeof o[k] === 'string';
  const strOrNull = (k: string) => o[k] === null || typeof o[k] === 'string';
  if (!Number.isSafeInteger(o['seq']) || !str('id') || !str('at') || !str('kind') || !str('outcome') || !str('algorithm') || !str('prevHash') || !str('hash')) return undefined;
  if (!['cashierId', 'tokenId', 'terminalId', 'cardMasked', 'cardHash', 'personHash'].every(strOrNull)) return undefined;
  if (!(o['catalogueVersion'] === null || Number.isSafeInteger(o['catalogueVersion']))) return undefined;
  if (!Array.isArray(o['reasonCodes']) || !o['reasonCodes'].every((c) => typeof c === 'string') || !('decision' in o)) return undefined;
  const alg = o['algorithm'] as string;
  if (!isHashAlgorithm(alg)) return undefined;
  return {
    seq: o['seq'] as number, id: o['id'] as string, at: o['at'] as string, kind: o['kind'] as string, outcome: o['outcome'] as string,
    cashierId: o['cashierId'] as string | null, tokenId: o['tokenId'] as string | null, terminalId: o['terminalId'] as string | null,
    cardMasked: o['cardMasked'] as string | null, cardHash: o['cardHash'] as string | null, personHash: o['personHash'] as string | null,
    catalogueVersion: o['catalogueVersion'] as number | null, reasonCodes: (o['reasonCodes'] as string[]).join(' '),
    body: canonicalJson(o['decision']), alg: alg as HashAlgorithm, prevHash: o['prevHash'] as string, hash: o['hash'] as string,
  };
}
