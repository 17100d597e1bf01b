import Database from 'better-sqlite3';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { configureConnection } from '../db/database.js';
import { chainWriter, type ChainLink, type Committer, type UnchainedFields } from './appender.js';
import { startModuleWorker } from './worker.js';

/** One request to the worker: a group in chain order, with the id its reply carries. */
export interface CommitRequest { id: number; batch: UnchainedFields[] }
type CommitResult = { id: number; links: ChainLink[] } | { id: number; error: { message: string; code?: string } };
/** One transaction's outcome for every request it carried, or the worker's start-up failure. */
export type CommitReply = { results: CommitResult[] } | { fatal: string };

/** Requests joined into one transaction at most: bounds its size and the time it holds the write lock. */
const MAX_JOINED_RECORDS = 2048;

/** Commits the groups in one transaction and hands each its own links; throws, storing none, if the transaction fails. */
function commitJoined(write: (batch: UnchainedFields[]) => ChainLink[], batches: UnchainedFields[][]): ChainLink[][] {
  const links = write(batches.flat());
  let at = 0;
  return batches.map((b) => links.slice(at, (at += b.length)));
}

/**
 * Worker side: its own connection to the file. The requests that queued up while the previous
 * transaction ran are taken together into the next one, so a burst costs one fsync, not one
 * each; they are taken in arrival order, which is the chain order.
 */
export function serveCommits(input: { file: string }, port: MessagePort): void {
  const sqlite = new Database(input.file);
  configureConnection(sqlite);
  const write = chainWriter(sqlite);
  port.on('message', (first: CommitRequest) => {
    const requests = [first];
    let records = first.batch.length;
    while (records < MAX_JOINED_RECORDS) {
      const queued = receiveMessageOnPort(port) as { message: CommitRequest } | undefined;
      if (!queued) break;
      requests.push(queued.message);
      records += queued.message.batch.length;
    }
    let results: CommitResult[];
    try {
      const links = commitJoined(write, requests.map((r) => r.batch));
      results = requests.map((r, i) => ({ id: r.id, links: links[i]! }));
    } catch (err) {
      const e = err as Error & { code?: string };
      const error = { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) };
      results = requests.map((r) => ({ id: r.id, error }));
    }
    port.postMessage({ results } satisfies CommitReply);
  });
}

/** Durable transactions so far and the records they carried: records / commits is the mean group size. */
export interface CommitStats { commits: number; records: number }

/** What the committer uses of its worker thread (a node:worker_threads Worker). */
export interface CommitWorker {
  postMessage(request: CommitRequest): void;
  on(event: 'message', listener: (reply: CommitReply) => void): unknown;
  on(event: 'error' | 'exit', listener: (cause: unknown) => void): unknown;
  unref(): void;
  terminate(): Promise<number>;
}

export interface CommitterOptions {
  /** Starts the worker that runs `serveCommits` on `file`; tests put in workers that fail on cue. */
  startWorker?: (file: string) => CommitWorker;
  /** Told once, when commits move to this thread for good because the worker could not start or died (why, in words). */
  onFallback?: (why: string) => void;
}

const startCommitWorker = (file: string): CommitWorker => startModuleWorker(new URL(import.meta.url), 'serveCommits', { file });

interface Waiting { batch: UnchainedFields[]; resolve: (links: ChainLink[]) => void; reject: (err: unknown) => void }

/**
 * Commits on a worker thread so that the fsync of each group does not stall the event loop.
 * The worker starts on the first commit; if it cannot start or dies (no worker threads, a
 * loader failure, a crash), commits run on this thread through `sqlite`, with the same
 * transaction, and the groups that queued up meanwhile are joined as the worker joins them.
 */
export function offThreadCommitter(sqlite: Database.Database, options: CommitterOptions = {}): { commit: Committer; close(): Promise<void>; stats: CommitStats } {
  const file = sqlite.name;
  const startWorker = options.startWorker ?? startCommitWorker;
  const inThread = chainWriter(sqlite);
  const linkOf = sqlite.prepare<[string], ChainLink>('SELECT seq, prev_hash AS prevHash, hash FROM audit_decisions WHERE id = ?');
  let worker: CommitWorker | null = null;
  const stats: CommitStats = { commits: 0, records: 0 };
  let failed = false;
  let nextId = 0;
  /** Sent to the worker, not yet answered; a Map iterates in insertion order, which is the chain order. */
  const waiting = new Map<number, Waiting>();
  /** To commit on this thread, in chain order, once the current synchronous run is done. */
  const queued: Waiting[] = [];

  const commitQueued = () => {
    while (queued.length > 0) {
      let n = 0;
      for (let records = 0; n < queued.length && records < MAX_JOINED_RECORDS; n++) records += queued[n]!.batch.length;
      const requests = queued.splice(0, n);
      try {
        const links = commitJoined(inThread, requests.map((r) => r.batch));
        stats.commits++;
        requests.forEach((r, i) => {
          stats.records += links[i]!.length;
          r.resolve(links[i]!);
        });
      } catch (err) {
        for (const r of requests) r.reject(err);
      }
    }
  };
  const commitLater = (w: Waiting) => {
    queued.push(w);
    if (queued.length === 1) queueMicrotask(commitQueued);
  };

  const fallBack = () => {
    failed = true;
    // A worker that reported a fatal start-up error may still be running.
    void worker?.terminate();
    worker = null;
    // The worker never answered these batches, but it may have died between its commit and its
    // reply: a batch whose records are in the file (all or none: one transaction) is answered
    // from there, not committed twice.
    for (const w of waiting.values()) {
      try {
        const stored = w.batch.map((f) => linkOf.get(f.id));
        if (stored.every((l) => l !== undefined)) w.resolve(stored);
        else commitLater(w);
      } catch (err) {
        w.reject(err);
      }
    }
    waiting.clear();
  };

  /** The worker failed: from now on this thread commits, and whoever runs the service is told once. */
  const giveUp = (why: string) => {
    if (!failed) options.onFallback?.(why);
    fallBack();
  };

  const start = (): CommitWorker => {
    const w = startWorker(file);
    w.unref();
    w.on('message', (m: CommitReply) => {
      // A worker given up on may still deliver a reply; its batches were answered from the file.
      if (worker !== w) return;
      if ('fatal' in m) return giveUp(`could not start: ${m.fatal.split('\n')[0]}`);
      if (m.results.some((r) => 'links' in r)) stats.commits++;
      for (const result of m.results) {
        const entry = waiting.get(result.id);
        if (!entry) continue;
        waiting.delete(result.id);
        if ('links' in result) {
          stats.records += result.links.length;
          entry.resolve(result.links);
        } else {
          entry.reject(Object.assign(new Error(result.error.message), result.error.code ? { code: result.error.code } : {}));
        }
      }
    });
    w.on('error', (err) => {
      if (worker === w) giveUp(`failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    w.on('exit', (code) => {
      if (worker === w) giveUp(`exited with code ${String(code)}`);
    });
    return w;
  };

  return {
    commit(batch) {
      return new Promise((resolve, reject) => {
        const entry: Waiting = { batch, resolve, reject };
        if (!failed && !worker) {
          try {
            worker = start();
          } catch (err) {
            options.onFallback?.(`could not start: ${err instanceof Error ? err.message : String(err)}`);
            failed = true;
          }
        }
        if (!worker) return commitLater(entry);
        const id = ++nextId;
        worker.postMessage({ id, batch } satisfies CommitRequest);
        waiting.set(id, entry);
      });
    },
    stats,
    async close() {
      // Whatever the worker had not answered is answered from the file or committed here.
      const w = worker;
      worker = null;
      failed = true;
      if (w) await w.terminate();
      fallBack();
    },
  };
}
