import os from 'node:os';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { encodeHead, GENESIS_HASH, HEAD_FIELDS, isHashAlgorithm, linkHash } from './canonical.js';
import { ChainWalker, type Broken } from './chain.js';
import { checkSignature, type Checkpoint } from './checkpoints.js';
import { runInWorker } from './worker.js';

export interface RangeInput {
  from: number;
  to: number;
  /** Hash the record `from` must link to; null when the caller stitches the boundary. */
  prevHash: string | null;
}

export interface RangeResult {
  count: number;
  first: { seq: number; prevHash: string } | null;
  last: { seq: number; hash: string } | null;
  broken: Broken | null;
  algorithms: string[];
}

/** Columns in the canonical head order, then the stored hash, then the decision as its stored bytes. */
const COLUMN_OF: Record<(typeof HEAD_FIELDS)[number], string> = {
  seq: 'seq', id: 'id', at: 'at', kind: 'kind', outcome: 'outcome', cashierId: 'cashier_id', tokenId: 'token_id', terminalId: 'terminal_id', cardMasked: 'card_masked',
  cardHash: 'card_hash', personHash: 'person_hash', catalogueVersion: 'catalogue_version', reasonCodes: 'reason_codes', alg: 'alg', prevHash: 'prev_hash',
};
const LINK_COLUMNS = `${HEAD_FIELDS.map((f) => COLUMN_OF[f]).join(', ')}, hash, CAST(body AS BLOB)`;
const AT = { seq: HEAD_FIELDS.indexOf('seq'), id: HEAD_FIELDS.indexOf('id'), alg: HEAD_FIELDS.indexOf('alg'), prevHash: HEAD_FIELDS.indexOf('prevHash'), hash: HEAD_FIELDS.length, body: HEAD_FIELDS.length + 1 };

/**
 * Recomputes records from..to (inclusive) of one connection and names the first break. Rows
 * are read as arrays with the decision as bytes, so the hot loop neither builds objects nor
 * decodes and re-encodes the largest field.
 */
export function verifyRange(sqlite: Db, range: RangeInput): RangeResult {
  const walker = new ChainWalker({ seq: range.from, prevHash: range.prevHash });
  const rows = sqlite.prepare(`SELECT ${LINK_COLUMNS} FROM audit_decisions WHERE seq BETWEEN ? AND ? ORDER BY seq`).raw().iterate(range.from, range.to) as IterableIterator<unknown[]>;
  for (const row of rows) {
    const alg = row[AT.alg] as string;
    const link = {
      seq: row[AT.seq] as number, id: row[AT.id] as string, alg, prevHash: row[AT.prevHash] as string, hash: row[AT.hash] as string,
      computed: isHashAlgorithm(alg) ? linkHash(alg, encodeHead(row.slice(0, HEAD_FIELDS.length)), row[AT.body] as Buffer) : null,
    };
    if (!walker.push(link)) {
      rows.return?.();
      break;
    }
  }
  // Every seq up to the head exists in a sound trail: an empty tail of the range is a gap.
  if (!walker.broken && range.to >= range.from && (walker.last?.seq ?? range.from - 1) < range.to) {
    const seq = (walker.last?.seq ?? range.from - 1) + 1;
    walker.broken = { seq, id: null, problem: 'missing', message: `record ${seq} is missing` };
  }
  return { count: walker.count, first: walker.first, last: walker.last, broken: walker.broken, algorithms: [...walker.algorithms] };
}

/** Worker entry: the same check on its own connection to the file. */
export function verifyRangeOfFile(input: RangeInput & { file: string }): RangeResult {
  const sqlite = new Database(input.file, { fileMustExist: true });
  try {
    sqlite.pragma('query_only = ON');
    sqlite.pragma('busy_timeout = 5000');
    return verifyRange(sqlite, input);
  } finally {
    sqlite.close();
  }
}

export interface ArchiveAnchor {
  upToSeq: number;
  lastHash: string;
  firstPrevHash: string;
  fromSeq: number;
}

export interface ChainCheck {
  count: number;
  head: { seq: number; hash: string };
  anchor: { seq: number; hash: string };
  broken: Broken | null;
  algorithms: string[];
}

/** Below this many records one thread is quicker than starting workers. */
const PARALLEL_FROM = 50_000;

/**
 * The live chain: the archive register links up from genesis, the first live record continues
 * it, and every record recomputes. Large trails are split into seq ranges checked on worker
 * threads in parallel (each link within a range, the ranges' boundaries stitched here), which
 * also keeps a service's event loop free during a long verify.
 */
export async function verifyChain(sqlite: Db, file: string, options: { workers?: number | undefined } = {}): Promise<ChainCheck> {
  const archives = sqlite.prepare('SELECT up_to_seq AS upToSeq, last_hash AS lastHash, first_prev_hash AS firstPrevHash, from_seq AS fromSeq FROM audit_archives ORDER BY up_to_seq').all() as ArchiveAnchor[];
  let anchor = { seq: 0, hash: GENESIS_HASH };
  for (const a of archives) {
    if (a.firstPrevHash !== anchor.hash || a.fromSeq !== anchor.seq + 1) {
      return { count: 0, head: anchor, anchor, broken: { seq: a.fromSeq, id: null, problem: 'anchor-mismatch', message: `archive of records ${a.fromSeq}..${a.upToSeq} does not continue the chain before it` }, algorithms: [] };
    }
    anchor = { seq: a.upToSeq, hash: a.lastHash };
  }
  const headSeq = (sqlite.prepare('SELECT max(seq) AS s FROM audit_decisions').get() as { s: number | null }).s ?? anchor.seq;
  const from = anchor.seq + 1;
  const total = headSeq - anchor.seq;
  // Explicit `workers` is obeyed (tests split small trails); the default scales with the trail.
  const workers = Math.max(1, options.workers ?? Math.min(os.availableParallelism(), 4, Math.ceil(total / PARALLEL_FROM)));
  let results: RangeResult[];
  if (total <= 0) results = [];
  else if (workers === 1) results = [verifyRange(sqlite, { from, to: headSeq, prevHash: anchor.hash })];
  else {
    const size = Math.ceil(total / workers);
    const ranges: RangeInput[] = Array.from({ length: workers }, (_, i) => ({ from: from + i * size, to: Math.min(headSeq, from + (i + 1) * size - 1), prevHash: i === 0 ? anchor.hash : null }));
    try {
      results = await Promise.all(ranges.filter((r) => r.from <= r.to).map((r) => runInWorker<RangeInput & { file: string }, RangeResult>(new URL(import.meta.url), 'verifyRangeOfFile', { ...r, file })));
    } catch {
      // No worker threads here (a stripped runtime, a memory limit): the same check on this thread.
      results = [verifyRange(sqlite, { from, to: headSeq, prevHash: anchor.hash })];
    }
  }
  let count = 0;
  let broken: Broken | null = null;
  const algorithms = new Set<string>();
  for (const [i, r] of results.entries()) {
    const before = results[i - 1];
    if (i > 0 && r.first && before?.last && r.first.prevHash !== before.last.hash) {
      const row = sqlite.prepare('SELECT id FROM audit_decisions WHERE seq = ?').get(r.first.seq) as { id: string } | undefined;
      broken = { seq: r.first.seq, id: row?.id ?? null, problem: 'chain-break', message: `record ${r.first.seq} does not link to the record before it: a record was inserted, moved or rewritten before it` };
      break;
    }
    count += r.count;
    r.algorithms.forEach((a) => algorithms.add(a));
    if (r.broken) {
      broken = r.broken;
      break;
    }
  }
  // The head is the database's, broken or not: what an auditor compares with a checkpoint.
  const head = total > 0 ? { seq: headSeq, hash: (sqlite.prepare('SELECT hash FROM audit_decisions WHERE seq = ?').get(headSeq) as { hash: string }).hash } : anchor;
  return { count, head, anchor, broken, algorithms: [...algorithms] };
}

export interface CheckpointCheck {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  signatureValid: boolean;
  /** Whether the chain holds this hash at this seq; null when the seq is archived and not an archive's end. */
  matches: boolean | null;
}

/** One signed checkpoint against the chain: the live record at its seq or the archive ending there. */
export function checkCheckpoint(sqlite: Db, c: Checkpoint, publicKey: string, chain: ChainCheck): { check: CheckpointCheck; broken: Broken | null } {
  const signatureValid = checkSignature(c, publicKey);
  const base = { seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId, signatureValid };
  if (!signatureValid) {
    return { check: { ...base, matches: null }, broken: { seq: c.seq, id: null, problem: 'checkpoint-signature', message: `the checkpoint for record ${c.seq} signed ${c.at} does not verify under key ${c.keyId}` } };
  }
  if (c.seq > chain.head.seq) {
    return { check: { ...base, matches: false }, broken: { seq: chain.head.seq + 1, id: null, problem: 'truncated', message: `a checkpoint signed ${c.at} covers record ${c.seq}, but the trail ends at ${chain.head.seq}: records were cut off the end` } };
  }
  let stored: string | undefined;
  let id: string | null = null;
  if (c.seq > chain.anchor.seq) {
    const row = sqlite.prepare('SELECT id, hash FROM audit_decisions WHERE seq = ?').get(c.seq) as { id: string; hash: string } | undefined;
    stored = row?.hash;
    id = row?.id ?? null;
  } else if (c.seq === 0) {
    stored = GENESIS_HASH;
  } else {
    stored = (sqlite.prepare('SELECT last_hash AS h FROM audit_archives WHERE up_to_seq = ?').get(c.seq) as { h: string } | undefined)?.h;
    if (stored === undefined) return { check: { ...base, matches: null }, broken: null };
  }
  const matches = stored === c.hash;
  return {
    check: { ...base, matches },
    broken: matches ? null : { seq: c.seq, id, problem: 'checkpoint-mismatch', message: `the checkpoint signed ${c.at} says record ${c.seq} had hash ${c.hash.slice(0, 16)}…, the trail now has ${stored?.slice(0, 16) ?? 'no record'}…: the chain was rewritten at or before this record` },
  };
}

/** The earlier of two problems (by seq); the first one wins a tie. */
export function earliest(a: Broken | null, b: Broken | null): Broken | null {
  if (!a) return b;
  if (!b) return a;
  return b.seq < a.seq ? b : a;
}
