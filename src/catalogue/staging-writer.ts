import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { startModuleWorker } from '../audit/worker.js';
import { INSERT_ENTRY, RowUnpacker, type PackedRows } from './row-pack.js';
import type { FromWorker, ToWorker, WorkerInput } from './staging-worker.js';

/** Rows written by each thread. */
export interface WrittenBy {
  thread: number;
  worker: number;
}

/** Where a staged version's packed rows are inserted. */
export interface RowWriter {
  readonly written: WrittenBy;
  /** Takes one batch; batches are written in order. */
  write(batch: PackedRows): void;
  /** Resolves when the writer has caught up enough to take more (rejects once it has failed). */
  drain(): Promise<void>;
  /** Resolves once every batch is committed (rejects with the first failure). */
  finish(): Promise<void>;
  /** Stops writing; rows already committed stay for the caller to delete. */
  close(): Promise<void>;
}

export interface WriterOptions {
  /** false: always write on this thread. */
  worker?: boolean;
  /** The module the worker loads (staging-worker by default); tests point it elsewhere to see the fallback. */
  workerModule?: URL;
  /** Hold batches until the worker has started instead of writing them here meanwhile (tests, to see every row go through the worker). */
  waitForWorker?: boolean;
}

/** Batches a worker holds before the reader waits: bounds the memory a slow disk can pile up. */
const MAX_IN_FLIGHT = 8;
/**
 * Batches kept for the worker while it starts (about as many as a national file fills in
 * that time); beyond them this thread writes, so memory stays bounded if the start is slow.
 */
const MAX_QUEUED = 16;
/**
 * Rows per worker transaction. Each commit copies every index page it touched to the WAL,
 * and codes arrive in no order, so fewer commits write the index fewer times (5,000 rows a
 * commit wrote a national file's WAL 4 times its size); more rows hold the write lock longer
 * against the audit trail's commits (25,000 rows: about 0.1 s).
 */
const ROWS_PER_COMMIT = 25_000;

/** The worker's own module, a .ts file from source and a .js one in the package, like this one. */
const WORKER_MODULE = new URL(`./staging-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A writer on this thread. */
export function inThread(sqlite: Database.Database, versionId: number): ThreadWriter {
  return new ThreadWriter(sqlite, versionId);
}

/** From now on a worker thread writes; `thread` has written the batches before (and writes all if no worker can start). */
export function handOver(thread: ThreadWriter, options: WriterOptions): RowWriter {
  return thread.sqlite.memory ? thread : new WorkerWriter(thread, options);
}

/** On the service's own connection: one short transaction per batch, yielding to the event loop in between. */
export class ThreadWriter implements RowWriter {
  readonly written: WrittenBy = { thread: 0, worker: 0 };
  readonly unpacker: RowUnpacker;
  private readonly insertBatch: (batch: PackedRows) => void;

  constructor(readonly sqlite: Database.Database, readonly versionId: number) {
    const insert = sqlite.prepare(INSERT_ENTRY);
    this.unpacker = new RowUnpacker(versionId);
    this.insertBatch = sqlite.transaction((batch: PackedRows) => this.unpacker.each(batch, (params) => insert.run(params)));
  }

  write(batch: PackedRows): void {
    bulkChunk(this.sqlite, () => this.insertBatch(batch));
    this.written.thread += batch.count;
  }

  async drain(): Promise<void> {
    await nextTurn();
  }

  async finish(): Promise<void> {}

  async close(): Promise<void> {}
}

/**
 * Hands batches to a worker thread with its own connection, so that this thread parses while
 * that one inserts. The worker takes a moment to start (loading its modules); meanwhile
 * batches wait for it, up to a bound beyond which they are written here (the worker then
 * takes over with the dictionary of the batches before). A worker that cannot start (no
 * worker threads, a module that will not load) leaves every batch to this thread, as if
 * there had been none; one that fails once it has started fails the import (which then
 * removes what was written).
 */
class WorkerWriter implements RowWriter {
  private readonly worker: Worker;
  private state: 'starting' | 'ready' | 'gone' = 'starting';
  private readonly queued: PackedRows[] = [];
  private inFlight = 0;
  private failure: Error | null = null;
  /** Told to finish or close, or terminated: its exit is expected. */
  private ending = false;
  private ended = false;
  private waiters: (() => void)[] = [];
  private toWorker = 0;

  constructor(private readonly thread: ThreadWriter, private readonly options: WriterOptions) {
    const { sqlite, versionId } = thread;
    const input: WorkerInput = {
      file: sqlite.name,
      versionId,
      rowsPerCommit: ROWS_PER_COMMIT,
      foreignKeys: sqlite.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeout: sqlite.pragma('busy_timeout', { simple: true }) as number,
    };
    this.worker = startModuleWorker(options.workerModule ?? WORKER_MODULE, 'serveStaging', input);
    this.worker.on('message', (m: FromWorker) => this.receive(m));
    this.worker.on('error', (err) => this.stopped(err));
    this.worker.on('exit', (code) => this.stopped(new Error(`the catalogue writer thread exited with code ${code}`)));
  }

  get written(): WrittenBy {
    return { thread: this.thread.written.thread, worker: this.toWorker };
  }

  write(batch: PackedRows): void {
    if (this.state === 'ready') {
      this.post(batch);
    } else if (this.state === 'starting' && (this.options.waitForWorker || this.queued.length < MAX_QUEUED)) {
      this.queued.push(batch);
    } else {
      // In order: the dictionary grows batch by batch.
      this.writeQueuedHere();
      this.thread.write(batch);
    }
  }

  async drain(): Promise<void> {
    if (this.state !== 'ready') return this.thread.drain();
    await this.until(() => this.inFlight < MAX_IN_FLIGHT);
  }

  async finish(): Promise<void> {
    if (this.options.waitForWorker) await this.until(() => this.state !== 'starting');
    if (this.state !== 'ready') {
      // Not started yet (a small import, or a slow start): not worth waiting for.
      this.writeQueuedHere();
      return this.close();
    }
    this.ending = true;
    this.worker.postMessage({ finish: true } satisfies ToWorker);
    await this.until(() => this.ended);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ending = true;
    if (this.state !== 'ready' || this.failure) {
      // Nothing of this import is in its hands: no need to wait for it to stop.
      void this.worker.terminate();
      return;
    }
    this.worker.postMessage({ close: true } satisfies ToWorker);
    await this.until(() => this.ended).catch(() => undefined);
  }

  /** Waits until `done` holds; throws once the worker has failed. */
  private async until(done: () => boolean): Promise<void> {
    while (!this.failure && !done()) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure;
  }

  private writeQueuedHere(): void {
    for (const batch of this.queued.splice(0)) this.thread.write(batch);
  }

  private post(batch: PackedRows): void {
    if (this.thread.written.thread > 0 && this.toWorker === 0) {
      // The worker's dictionary starts where this thread's is now.
      batch = { ...batch, words: [...this.thread.unpacker.words, ...batch.words] };
    }
    this.inFlight++;
    this.toWorker += batch.count;
    this.worker.postMessage({ rows: batch } satisfies ToWorker, [batch.slots.buffer as ArrayBuffer]);
  }

  private receive(m: FromWorker): void {
    if ('ready' in m) {
      this.state = 'ready';
      for (const batch of this.queued.splice(0)) this.post(batch);
    } else if ('written' in m) {
      this.inFlight--;
    } else if ('finished' in m || 'closed' in m) {
      this.ended = true;
      void this.worker.terminate();
    } else if ('failed' in m) {
      this.failure = Object.assign(new Error(m.failed.message), m.failed.code ? { code: m.failed.code } : {});
      this.ending = true;
      void this.worker.terminate();
    } else {
      this.stopped(new Error(m.fatal));
    }
    this.wake();
  }

  /** The worker is gone or could not start: before it was ready this thread carries on alone; after, the import fails. */
  private stopped(err: Error): void {
    if (this.ending || this.state === 'gone' || this.failure) return;
    if (this.state === 'ready') {
      this.failure = err;
    } else {
      this.state = 'gone';
      this.ending = true;
      void this.worker.terminate();
      try {
        this.writeQueuedHere();
      } catch (writeErr) {
        this.failure = writeErr as Error;
      }
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * Runs one bulk chunk on a shared connection with synchronous=NORMAL and no automatic
 * checkpoint, restoring both afterwards (no other statement can run meanwhile). Checkpointing
 * after every chunk would copy the growing WAL into the database over and over; instead the
 * activating commit, back under the connection's settings, checkpoints once.
 */
export function bulkChunk<T>(sqlite: Database.Database, fn: () => T): T {
  const sync = sqlite.pragma('synchronous', { simple: true }) as number;
  const checkpoint = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  try {
    return fn();
  } finally {
    sqlite.pragma(`wal_autocheckpoint = ${checkpoint}`);
    sqlite.pragma(`synchronous = ${sync}`);
  }
}
