import Database from 'better-sqlite3';
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { configureConnection } from '../db/database.js';
import { chainWriter, type ChainLink, type Committer, type UnchainedFields } from './appender.js';
import { startModuleWorker } from './worker.js';

interface CommitRequest { id: number; batch: UnchainedFields[] }
type CommitResult = { id: number; links: ChainLink[] } | { id: number; error: { message: string; code?: string } };
/** One transaction's outcome for every request it carried, or the worker's start-up failure. */
type CommitReply = { results: CommitResult[] } | { fatal: string };

/** Requests joined into one transaction at most: bounds its size and the time it holds the write lock. */
const MAX_JOINED_RECORDS = 2048;

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
      const links = write(requests.flatMap((r) => r.batch));
      let at = 0;
      results = requests.map((r) => ({ id: r.id, links: links.slice(at, (at += r.batch.length)) }));
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

/**
 * Commits on a worker thread so that the fsync of each group does not stall the event loop.
 * The worker starts on the first commit; if it cannot start or dies (no worker threads, a
 * loader failure, a crash), commits run on this thread through `sqlite`, with the same
 * transaction.
 */
export function offThreadCommitter(sqlite: Database.Database): { commit: Committer; close(): Promise<void>; stats: CommitStats } {
  const file = sqlite.name;
  const inThread = chainWriter(sqlite);
  const linkOf = sqlite.prepare<[string], ChainLink>('SELECT seq, prev_hash AS prevHash, hash FROM audit_decisions WHERE id = ?');
  let worker: Worker | null = null;
  const stats: CommitStats = { commits: 0, records: 0 };
  const commitInThread = (batch: UnchainedFields[]): ChainLink[] => {
    const links = inThread(batch);
    stats.commits++;
    stats.records += links.length;
    return links;
  };
  let failed = false;
  let nextId = 0;
  const waiting = new Map<number, { batch: UnchainedFields[]; resolve: (r: ChainLink[]) => void; reject: (e: unknown) => void }>();

  const fallBack = () => {
    failed = true;
    worker = null;
    // The worker never answered these batches, but it may have died between its commit and its
    // reply: a batch whose records are in the file (all or none: one transaction) is answered
    // from there, not committed twice.
    for (const [id, w] of waiting) {
      waiting.delete(id);
      try {
        const stored = w.batch.map((f) => linkOf.get(f.id));
        w.resolve(stored.every((l) => l !== undefined) ? stored : commitInThread(w.batch));
      } catch (err) {
        w.reject(err);
      }
    }
  };

  const start = (): Worker => {
    const w = startModuleWorker(new URL(import.meta.url), 'serveCommits', { file });
    w.unref();
    w.on('message', (m: CommitReply) => {
      if ('fatal' in m) return fallBack();
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
    w.on('error', fallBack);
    w.on('exit', () => {
      if (worker === w) fallBack();
    });
    return w;
  };

  return {
    commit(batch) {
      if (failed) return Promise.resolve().then(() => commitInThread(batch));
      worker ??= start();
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { batch, resolve, reject });
        worker!.postMessage({ id, batch } satisfies CommitRequest);
      });
    },
    stats,
    async close() {
      const w = worker;
      worker = null;
      failed = true;
      if (w) await w.terminate();
    },
  };
}
