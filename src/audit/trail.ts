import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { isStorageFault, type DataStore } from '../db/database.js';
import { maskCardId, maskCardNumber, maskIdNumber, maskName } from '../mask.js';
import { ServiceFault } from '../reasons.js';
import { GroupCommitAppender, headReader, type ChainHead } from './appender.js';
import { offThreadCommitter } from './commit-worker.js';
import { verifyArchiveFile, writeArchiveFile, ARCHIVE_FORMAT, type ArchiveFileCheck, type ArchiveRegisterRow } from './archive.js';
import { canonicalJson, GENESIS_HASH, type HashAlgorithm } from './canonical.js';
import type { Broken } from './chain.js';
import { CheckpointStore, signCheckpoint, type Checkpoint, type CheckpointExport } from './checkpoints.js';
import { exportChunks, type ExportFormat } from './export.js';
import { AuditKeys } from './keys.js';
import { iterateDecisions, listDecisions, rejectStats, type AuditFilter, type RejectDay } from './query.js';
import { RECORD_COLUMNS, toView, type AuditInput, type AuditRecord, type Holder, type RecordSummary, type RecordView } from './record.js';
import { localTimestamp } from './time.js';
import { checkCheckpoint, earliest, verifyChain, type CheckpointCheck } from './verify.js';

export type { AuditInput, AuditRecord } from './record.js';

export interface AuditOptions {
  dataDir: string;
  /** Chain hash for new records; each record names its own, so a change applies from the next record on. */
  algorithm: HashAlgorithm;
  /** Records older than this many days move to archive files; 0 keeps everything live. */
  retentionDays: number;
  /** Most records per group commit. */
  maxBatch?: number;
}

export interface MaintenanceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface VerifyReport {
  ok: boolean;
  /** Hash algorithm of the head record (the configured one for an empty trail). */
  algorithm: string;
  /** Every algorithm found in the live records. */
  algorithms: string[];
  /** Live records recomputed. */
  count: number;
  head: ChainHead;
  firstBroken: Broken | null;
  /** Where the live chain starts: the end of the archived part, if any. */
  archived: ChainHead | null;
  /** The latest stored checkpoint against the chain. */
  checkpoint: CheckpointCheck | null;
  /** All stored checkpoints checked. */
  checkpointsChecked: number;
  /** An auditor's own checkpoint, when given (CLI --checkpoint). */
  external?: CheckpointCheck;
  durationMs: number;
}

export interface ArchiveRun {
  file: string;
  fromSeq: number;
  upToSeq: number;
  count: number;
}

const DAY_MS = 86_400_000;
/** Records per archive file: bounded memory and time per step, each step its own transaction. */
const ARCHIVE_CHUNK = 20_000;

/**
 * The audit trail: every decision appended (group-committed, durable before the answer
 * leaves), hash-chained, queried, exported, verified, checkpointed and archived. The one
 * object the rest of the service holds.
 */
export class AuditTrail {
  readonly keys: AuditKeys;
  readonly algorithm: HashAlgorithm;
  readonly archiveDir: string;
  private readonly appender: GroupCommitAppender;
  private readonly committer: ReturnType<typeof offThreadCommitter>;
  private readonly checkpoints: CheckpointStore;
  /** Verify and archive never overlap: an archive step removes records a verify is reading. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private scrubbed = 0;
  private log: MaintenanceLog | undefined;
  private readonly hashed = new WeakMap<Holder, { cardHash: string | null; personHash: string | null }>();

  constructor(private readonly store: DataStore, private readonly options: AuditOptions) {
    this.keys = new AuditKeys(options.dataDir);
    this.algorithm = options.algorithm;
    this.archiveDir = path.join(options.dataDir, 'audit-archive');
    this.committer = offThreadCommitter(store.sqlite, {
      // Decisions stay durable and chained; only the event loop now waits for each fsync.
      onFallback: (why) => this.log?.warn({ why }, 'audit commit worker gave up: audit records are now committed on the request thread (still durable; answers may be slower until the service restarts)'),
    });
    this.appender = new GroupCommitAppender(this.committer.commit, headReader(store.sqlite), options.maxBatch);
    this.checkpoints = new CheckpointStore(store.sqlite);
  }

  /**
   * Appends one decision; resolves once it is committed durably. A failed commit rejects with
   * a 503 fault, so the caller never answers a decision that is not in the trail.
   */
  async append(input: AuditInput): Promise<AuditRecord> {
    const { body, cardMasked } = this.scrub(canonicalJson(input.body), input.cardMasked, input.holder);
    try {
      return await this.appender.append({
        id: randomUUID(),
        at: localTimestamp(),
        kind: input.kind,
        outcome: input.outcome,
        cashierId: input.cashierId,
        tokenId: input.tokenId,
        terminalId: input.terminalId,
        cardMasked,
        ...this.holderHashes(input.holder),
        catalogueVersion: input.catalogueVersion,
        reasonCodes: [...new Set(input.reasonCodes)].join(' '),
        body,
        alg: this.algorithm,
      });
    } catch (err) {
      throw new ServiceFault(isStorageFault(err) ? 'STORAGE_UNAVAILABLE' : 'INTERNAL_ERROR', { problem: 'the audit trail could not be written, so no decision was given; try again' }, { status: 503, cause: err });
    }
  }

  /** Keyed hashes of the card and the person; a checkout's decisions share one holder object, hashed once. */
  private holderHashes(holder: Holder | null): { cardHash: string | null; personHash: string | null } {
    if (!holder) return { cardHash: null, personHash: null };
    let hashes = this.hashed.get(holder);
    if (!hashes) {
      hashes = {
        cardHash: holder.cardNumber ? this.keys.keyedHash(holder.cardNumber) : null,
        personHash: holder.idNumber ? this.keys.keyedHash(holder.idNumber) : null,
      };
      this.hashed.set(holder, hashes);
    }
    return hashes;
  }

  /**
   * Defence in depth: a full card number, ID number, card id, name or e-voucher token that slipped past
   * masking upstream is replaced by its mask before it can reach the permanent trail.
   */
  private scrub(body: string, cardMasked: string | null, holder: Holder | null): { body: string; cardMasked: string | null } {
    if (!holder) return { body, cardMasked };
    const secrets: [string | undefined, (v: string) => string][] = [
      [holder.idNumber, maskIdNumber], [holder.cardNumber, maskCardNumber], [holder.cardId, maskCardId], [holder.name, maskName], [holder.token, () => '****'],
    ];
    for (const [value, mask] of secrets) {
      if (!value || [...value].length < 2) continue;
      if (body.includes(value)) {
        body = body.split(value).join(mask(value));
        this.scrubbed++;
      }
      if (cardMasked?.includes(value)) cardMasked = cardMasked.split(value).join(mask(value));
    }
    return { body, cardMasked };
  }

  /** How many full personal values had to be scrubbed so far (above zero means a masking bug upstream). */
  get scrubCount(): number {
    return this.scrubbed;
  }

  head(): ChainHead {
    return this.appender.head();
  }

  /** Group commits so far in this process: commits and the records they carried. */
  get appendStats(): { commits: number; records: number } {
    return { ...this.committer.stats };
  }

  count(): number {
    return (this.store.sqlite.prepare('SELECT count(*) AS n FROM audit_decisions').get() as { n: number }).n;
  }

  get(id: string): RecordView | undefined {
    const row = this.store.sqlite.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_decisions WHERE id = ?`).get(id) as AuditRecord | undefined;
    return row && toView(row);
  }

  list(filter: AuditFilter, page: { cursor?: number; limit: number }): { items: RecordSummary[]; nextCursor: string | null } {
    return listDecisions(this.store.sqlite, filter, page);
  }

  rejectStats(filter: Pick<AuditFilter, 'from' | 'to' | 'kind'>): RejectDay[] {
    return rejectStats(this.store.sqlite, filter);
  }

  /** The export as text chunks, oldest first. */
  export(filter: AuditFilter, format: ExportFormat): Generator<string> {
    return exportChunks(iterateDecisions(this.store.sqlite, filter), format);
  }

  /** Keyed hash of a card or ID number typed by an auditor, to search one person's history. */
  keyedHash(value: string): string {
    return this.keys.keyedHash(value);
  }

  /** Recomputes the whole live chain and checks every stored checkpoint (and an auditor's own, when given). */
  verify(options: { external?: Checkpoint; externalPublicKey?: string; workers?: number } = {}): Promise<VerifyReport> {
    return this.serialised(async () => {
      const started = performance.now();
      const sqlite = this.store.sqlite;
      const chain = await verifyChain(sqlite, this.store.file, { workers: options.workers });
      const publicKey = this.keys.publicKeyPem();
      let broken = chain.broken;
      const stored = this.checkpoints.all();
      let latest: CheckpointCheck | null = null;
      for (const c of stored) {
        const r = checkCheckpoint(sqlite, c, publicKey, chain);
        broken = earliest(broken, r.broken);
        latest = r.check;
      }
      let external: CheckpointCheck | undefined;
      if (options.external) {
        const r = checkCheckpoint(sqlite, options.external, options.externalPublicKey ?? publicKey, chain);
        external = r.check;
        broken = earliest(broken, r.broken);
      }
      const headAlg = chain.head.seq > chain.anchor.seq ? (sqlite.prepare('SELECT alg FROM audit_decisions WHERE seq = ?').get(chain.head.seq) as { alg: string } | undefined)?.alg : undefined;
      return {
        ok: broken === null,
        algorithm: headAlg ?? this.algorithm,
        algorithms: chain.algorithms,
        count: chain.count,
        head: chain.head,
        firstBroken: broken,
        archived: chain.anchor.seq > 0 ? chain.anchor : null,
        checkpoint: latest,
        checkpointsChecked: stored.length,
        ...(external ? { external } : {}),
        durationMs: Math.round(performance.now() - started),
      };
    });
  }

  /** Signs the current head, keeps it in the checkpoint register and returns it with the public key. */
  checkpoint(): CheckpointExport {
    const c = this.checkpoints.record(signCheckpoint(this.keys, this.head()));
    return { checkpoint: c, publicKey: this.keys.publicKeyPem() };
  }

  latestCheckpoint(): Checkpoint | undefined {
    return this.checkpoints.latest();
  }

  archives(): ArchiveRegisterRow[] {
    return this.store.sqlite.prepare('SELECT up_to_seq AS upToSeq, from_seq AS fromSeq, last_hash AS lastHash, first_prev_hash AS firstPrevHash, file, file_sha256 AS fileSha256, count, first_at AS firstAt, last_at AS lastAt, archived_at AS archivedAt FROM audit_archives ORDER BY up_to_seq').all() as ArchiveRegisterRow[];
  }

  /** Checks one archive file, and that the register knows it with the same bytes. */
  async verifyArchive(file: string, publicKey?: string): Promise<ArchiveFileCheck & { registered: boolean }> {
    const check = await verifyArchiveFile(file, publicKey ? { publicKey } : {});
    const row = this.archives().find((a) => a.file === path.basename(file));
    if (check.ok && row && (row.fileSha256 !== check.sha256 || row.lastHash !== check.last?.hash)) {
      check.ok = false;
      check.problem = 'the file differs from the one the archive register recorded';
    }
    return { ...check, registered: row !== undefined };
  }

  /**
   * Moves the records older than `olderThanDays` (a prefix of the chain: it stops at the first
   * younger record) into archive files. Each file is written, fsync'd and verified against a
   * fresh signed checkpoint before the register row and the DELETE commit together.
   */
  archive(olderThanDays = this.options.retentionDays, now = Date.now()): Promise<ArchiveRun[]> {
    return this.serialised(async () => {
      if (olderThanDays <= 0) return [];
      const sqlite = this.store.sqlite;
      const cutoff = localTimestamp(now - olderThanDays * DAY_MS);
      const runs: ArchiveRun[] = [];
      for (;;) {
        const first = sqlite.prepare('SELECT seq, at, prev_hash AS prevHash FROM audit_decisions ORDER BY seq LIMIT 1').get() as { seq: number; at: string; prevHash: string } | undefined;
        if (!first || first.at >= cutoff) break;
        const anchor = (sqlite.prepare('SELECT last_hash AS h FROM audit_archives ORDER BY up_to_seq DESC LIMIT 1').get() as { h: string } | undefined)?.h ?? GENESIS_HASH;
        if (first.prevHash !== anchor) throw new Error(`record ${first.seq} does not continue the archived chain; run audit verify, nothing was archived`);
        const younger = (sqlite.prepare('SELECT min(seq) AS s FROM audit_decisions WHERE at >= ?').get(cutoff) as { s: number | null }).s;
        const upToSeq = Math.min(first.seq + ARCHIVE_CHUNK - 1, younger === null ? this.head().seq : younger - 1);
        const last = sqlite.prepare('SELECT hash, at FROM audit_decisions WHERE seq = ?').get(upToSeq) as { hash: string; at: string };
        const count = upToSeq - first.seq + 1;
        const header = { format: ARCHIVE_FORMAT, fromSeq: first.seq, upToSeq, count, prevHash: first.prevHash, firstAt: first.at, lastAt: last.at, createdAt: localTimestamp(now) } as const;
        const checkpoint = this.checkpoints.record(signCheckpoint(this.keys, { seq: upToSeq, hash: last.hash }, now));
        const written = await writeArchiveFile(sqlite, this.archiveDir, header, { checkpoint, publicKey: this.keys.publicKeyPem() });
        const check = await verifyArchiveFile(path.join(this.archiveDir, written.file));
        if (!check.ok || check.sha256 !== written.sha256) throw new Error(`archive ${written.file} did not verify after writing (${check.problem ?? check.broken?.message ?? 'checksum'}); nothing was removed`);
        sqlite.transaction(() => {
          sqlite.prepare('INSERT INTO audit_archives (up_to_seq, from_seq, last_hash, first_prev_hash, file, file_sha256, count, first_at, last_at, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .run(upToSeq, first.seq, last.hash, first.prevHash, written.file, written.sha256, count, first.at, last.at, localTimestamp(now));
          sqlite.prepare('DELETE FROM audit_decisions WHERE seq BETWEEN ? AND ?').run(first.seq, upToSeq);
        }).immediate();
        runs.push({ file: written.file, fromSeq: first.seq, upToSeq, count });
      }
      return runs;
    });
  }

  /**
   * Hourly: sign a checkpoint when the head moved. Daily (and soon after start): archive
   * what retention says is old. Timers do not keep the process alive. The log also hears when
   * the commit worker gives up.
   */
  startMaintenance(log: MaintenanceLog): void {
    this.log = log;
    const checkpointIfMoved = () => {
      try {
        const head = this.head();
        if (head.seq > (this.latestCheckpoint()?.seq ?? 0)) log.info({ seq: this.checkpoint().checkpoint.seq }, 'audit checkpoint signed');
      } catch (err) {
        log.warn({ err }, 'audit checkpoint failed');
      }
    };
    const archiveOld = () => {
      this.archive().then(
        (runs) => runs.length && log.info({ files: runs.map((r) => r.file), records: runs.reduce((n, r) => n + r.count, 0) }, 'old audit records archived'),
        (err: unknown) => log.warn({ err }, 'audit archive failed; records stay in the live trail'),
      );
    };
    this.timers.push(setInterval(checkpointIfMoved, 3600_000), setTimeout(archiveOld, 60_000), setInterval(archiveOld, DAY_MS));
    for (const t of this.timers) t.unref();
  }

  /** Commits what is waiting and stops the timers; the store is closed by its owner. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.appender.drain();
    await this.committer.close();
    await this.exclusive.catch(() => undefined);
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(fn, fn);
    this.exclusive = run.catch(() => undefined);
    return run;
  }
}
