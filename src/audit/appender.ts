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

/**
 * Group commit: appends that arrive within one turn of the event loop (up to `maxBatch`)
 * go into one IMMEDIATE transaction, one WAL fsync for all of them, and every caller's promise
 * resolves only after that commit returned. The chain position is taken inside the
 * transaction from the database itself, so a second writer on the same file can never fork
 * the chain (the INSERT trigger refuses it as well).
 */
export class GroupCommitAppender {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Transactions committed and records in them: records / commits is the mean group size. */
  readonly stats = { commits: 0, records: 0 };
  private readonly insert: Statement;
  private readonly lastRow: Statement;
  private readonly lastArchived: Statement;
  private readonly commit: (batch: UnchainedFields[]) => AuditRecord[];

  constructor(sqlite: Database, private readonly maxBatch = 512) {
    this.insert = sqlite.prepare(`INSERT INTO audit_decisions (seq, id, at, kind, outcome, cashier_id, token_id, terminal_id, card_masked, card_hash, person_hash, catalogue_version, reason_codes, body, alg, prev_hash, hash)
      VALUES (@seq, @id, @at, @kind, @outcome, @cashierId, @tokenId, @terminalId, @cardMasked, @cardHash, @personHash, @catalogueVersion, @reasonCodes, @body, @alg, @prevHash, @hash)`);
    this.lastRow = sqlite.prepare('SELECT seq, hash FROM audit_decisions ORDER BY seq DESC LIMIT 1');
    this.lastArchived = sqlite.prepare('SELECT up_to_seq AS seq, last_hash AS hash FROM audit_archives ORDER BY up_to_seq DESC LIMIT 1');
    const tx = sqlite.transaction((batch: UnchainedFields[]) => {
      let head = this.head();
      return batch.map((fields) => {
        const chained: ChainedFields = { ...fields, seq: head.seq + 1, prevHash: head.hash };
        const record: AuditRecord = { ...chained, hash: chainHash(chained) };
        this.insert.run(record);
        head = record;
        return record;
      });
    });
    this.commit = (batch) => tx.immediate(batch);
  }

  /** The committed chain head: the last live record, else the archived end, else genesis. */
  head(): ChainHead {
    return (this.lastRow.get() as ChainHead | undefined) ?? (this.lastArchived.get() as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Resolves with the stored record once it is durable; rejects when the commit failed (nothing of the batch was stored). */
  append(fields: UnchainedFields): Promise<AuditRecord> {
    return new Promise((resolve, reject) => {
      this.pending.push({ fields, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Commits whatever is waiting now (also used on shutdown). */
  flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let records: AuditRecord[];
    try {
      records = this.commit(batch.map((p) => p.fields));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    this.stats.commits++;
    this.stats.records += records.length;
    batch.forEach((p, i) => p.resolve(records[i]!));
  }
}
