/** One record as the walker sees it: its stored link and the hash its content gives now (null: unknown algorithm). */
export interface ChainLink {
  seq: number;
  id: string;
  alg: string;
  prevHash: string;
  hash: string;
  computed: string | null;
}

/**
 * What `audit verify` can find wrong, first one wins:
 * - missing: a seq is absent (a deleted record); `id` is null since the record is gone.
 * - altered: the record's content no longer gives its stored hash (edited, or moved to another seq).
 * - chain-break: prev_hash is not the previous record's hash (inserted, moved or rewritten predecessor).
 * - anchor-mismatch: the first live record does not continue the archived part of the chain.
 * - checkpoint-mismatch: a signed checkpoint names another hash for its seq (the chain was rewritten).
 * - checkpoint-signature: a stored checkpoint's signature does not verify under the signing key.
 * - truncated: a signed checkpoint names a seq beyond the head (records cut off the end).
 */
export type Problem = 'missing' | 'altered' | 'chain-break' | 'anchor-mismatch' | 'checkpoint-mismatch' | 'checkpoint-signature' | 'truncated';

export interface Broken {
  seq: number;
  id: string | null;
  problem: Problem;
  message: string;
}

/**
 * Walks records in seq order and stops at the first break. `prevHash` null means the link into
 * the first record is checked elsewhere (a range boundary stitched by the caller).
 */
export class ChainWalker {
  count = 0;
  first: { seq: number; prevHash: string } | null = null;
  last: { seq: number; hash: string } | null = null;
  broken: Broken | null = null;
  readonly algorithms = new Set<string>();
  private expectedSeq: number;
  private prevHash: string | null;

  constructor(start: { seq: number; prevHash: string | null }) {
    this.expectedSeq = start.seq;
    this.prevHash = start.prevHash;
  }

  /** Returns false once broken: the caller stops feeding. */
  push(r: ChainLink): boolean {
    if (this.broken) return false;
    if (r.seq !== this.expectedSeq) {
      this.broken = r.seq > this.expectedSeq
        ? { seq: this.expectedSeq, id: null, problem: 'missing', message: `record ${this.expectedSeq} is missing${r.seq - this.expectedSeq > 1 ? ` (and ${r.seq - this.expectedSeq - 1} after it)` : ''}: the next record present is ${r.seq} (${r.id})` }
        : { seq: r.seq, id: r.id, problem: 'chain-break', message: `record ${r.seq} appears after record ${this.expectedSeq - 1}: out of order` };
      return false;
    }
    if (r.computed !== r.hash) {
      this.broken = { seq: r.seq, id: r.id, problem: 'altered', message: `record ${r.seq} (${r.id}) no longer matches its hash: its content was changed or it was moved from another position` };
      return false;
    }
    if (this.prevHash !== null && r.prevHash !== this.prevHash) {
      this.broken = { seq: r.seq, id: r.id, problem: 'chain-break', message: `record ${r.seq} (${r.id}) does not link to the record before it: a record was inserted, moved or rewritten before it` };
      return false;
    }
    this.first ??= { seq: r.seq, prevHash: r.prevHash };
    this.last = { seq: r.seq, hash: r.hash };
    this.algorithms.add(r.alg);
    this.prevHash = r.hash;
    this.expectedSeq++;
    this.count++;
    return true;
  }
}
