import type { Database, Statement } from 'better-sqlite3';
import { chainHash, GENESIS_HASH, type ChainedFields } from './canonical.js';
import type { AuditRecord } from './record.js';

/** A record before it has its place in the chain. */
export type UnchainedFields = Omit<ChainedFields, 'seq' | 'prevHash'>;

interface Pending {
  fields: UnchainedFields;
  resolve: (record: AuditRecord) => void;
  reject: (err: unknown) => void;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** Where a record landed in the chain: all a committer reports back, the caller holds the rest. */
export type ChainLink = Pick<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

/** Writes one batch of records in one durable transaction and returns their links, in order. */
export type Committer = (batch: UnchainedFields[]) => Promise<ChainLink[]>;

/**
 * The chain-extending transaction on a connection of its own: the head is read inside the
 * IMMEDIATE transaction from the database itself, so a second writer on the same file can
 * never fork the chain (the INSERT trigger refuses it as well).
 */
export function chainWriter(sqlite: Database): (batch: UnchainedFields[]) => ChainLink[] {
  const insert: Statement = sqlite.prepare(`INSERT INTO audit_decisions (seq, id, at, kind, outcome, cashier_id, token_id, terminal_id, card_masked, card_hash, person_hash, catalogue_version, reason_codes, body, alg, prev_hash, hash)
    VALUES (@seq, @id, @at, @kind, @outcome, @cashierId, @tokenId, @terminalId, @cardMasked, @cardHash, @personHash, @catalogueVersion, @reasonCodes, @body, @alg, @prevHash, @hash)`);
  const head = headReader(sqlite);
  const tx = sqlite.transaction((batch: UnchainedFields[]) => {
    let last = head();
    return batch.map((fields) => {
      const chained: ChainedFields = { ...fields, seq: last.seq + 1, prevHash: last.hash };
      const record: AuditRecord = { ...chained, hash: chainHash(chained) };
      insert.run(record);
      last = record;
      return { seq: record.seq, prevHash: record.prevHash, hash: record.hash };
    });
  });
  return (batch) => tx.immediate(batch);
}

/** The committed chain head: the last live record, else the archived end, else genesis. */
export function headReader(sqlite: Database): () => ChainHead {
  const lastRow = sqlite.prepare('SELECT seq, hash FROM audit_decisions ORDER BY seq DESC LIMIT 1');
  const lastArchived = sqlite.prepare('SELECT up_to_seq AS seq, last_hash AS hash FROM audit_archives ORDER BY up_to_seq DESC LIMIT 1');
  return () => (lastRow.get() as ChainHead | undefined) ?? (lastArchived.get() as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
}

/**
 * Group commit: appends made in one synchronous run (up to `maxBatch`) go to the committer
 * together, and every caller's promise resolves only after their transaction
 * returned. The appender does not wait for one group to commit before handing over the next:
 * the committer takes groups strictly in order (one connection, one transaction at a time, and
 * the off-thread committer joins the groups queued behind a running commit into one), so the
 * chain order is still the order of arrival while requests keep being served during the fsync.
 */
export class GroupCommitAppender {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly commit: Committer, readonly head: () => ChainHead, private readonly maxBatch = 512) {}

  /** Resolves with the stored record once it is durable; rejects when the commit failed (nothing of the batch was stored). */
  append(fields: UnchainedFields): Promise<AuditRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ fields, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Handed over as soon as the code that appended is done, not a loop turn later: the worker
      // gathers whatever queued behind its running commit anyway, and a record that leaves early
      // commits while the requests behind it are still being worked out. Waiting for the turn
      // made the requests of one turn move in lock-step: all worked out, then all waiting.
      queueMicrotask(() => {
        this.scheduled = false;
        this.flush();
      });
    });
  }

  /** Resolves once everything appended so far is committed or refused (used on shutdown). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      const done: Promise<void> = this.commit(batch.map((p) => p.fields)).then(
        (links) => batch.forEach((p, i) => p.resolve({ ...p.fields, ...links[i]! })),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      ).finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
    }
  }
}
