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

/** Writes one batch of records in one durable transaction and returns them chained. */
export type Committer = (batch: UnchainedFields[]) => Promise<AuditRecord[]>;

/**
 * The chain-extending transaction on a connection of its own: the head is read inside the
 * IMMEDIATE transaction from the database itself, so a second writer on the same file can
 * never fork the chain (the INSERT trigger refuses it as well).
 */
export function chainWriter(sqlite: Database): (batch: UnchainedFields[]) => AuditRecord[] {
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
      return record;
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
 * Group commit: appends that arrive while the previous commit is under way (up to `maxBatch`)
 * go into one transaction, one WAL fsync for all of them, and every caller's promise resolves
 * only after that commit returned. One batch is in flight at a time, so the chain order is
 * the order of arrival. With an off-thread committer the fsync no longer stalls the event
 * loop: requests keep being served while the disk works, and they form the next group.
 */
export class GroupCommitAppender {
  private pending: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> | null = null;
  /** Transactions committed and records in them: records / commits is the mean group size. */
  readonly stats = { commits: 0, records: 0 };

  constructor(private readonly commit: Committer, readonly head: () => ChainHead, private readonly maxBatch = 512) {}

  /** Resolves with the stored record once it is durable; rejects when the commit failed (nothing of the batch was stored). */
  append(fields: UnchainedFields): Promise<AuditRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ fields, resolve, reject });
      if (this.inFlight || this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.next();
      });
    });
  }

  /** Resolves once everything appended so far is committed or refused (used on shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight || this.pending.length > 0) {
      if (!this.inFlight) this.next();
      await this.inFlight;
    }
  }

  private next(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatch);
    this.inFlight = this.commit(batch.map((p) => p.fields)).then(
      (records) => {
        this.stats.commits++;
        this.stats.records += records.length;
        batch.forEach((p, i) => p.resolve(records[i]!));
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    ).finally(() => {
      this.inFlight = null;
      this.next();
    });
  }
}
