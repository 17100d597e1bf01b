import Database from 'better-sqlite3';
import type { MessagePort, Worker } from 'node:worker_threads';
import { configureConnection } from '../db/database.js';
import { chainWriter, type Committer, type UnchainedFields } from './appender.js';
import type { AuditRecord } from './record.js';
import { startModuleWorker } from './worker.js';

interface CommitRequest { id: number; batch: UnchainedFields[] }
type CommitReply =
  | { id: number; records: AuditRecord[] }
  | { id: number; error: { message: string; code?: string } }
  | { fatal: string };

/** Worker side: its own connection to the file, one durable transaction per batch. */
export function serveCommits(input: { file: string }, port: MessagePort): void {
  const sqlite = new Database(input.file);
  configureConnection(sqlite);
  const write = chainWriter(sqlite);
  port.on('message', (m: CommitRequest) => {
    let reply: CommitReply;
    try {
      reply = { id: m.id, records: write(m.batch) };
    } catch (err) {
      const e = err as Error & { code?: string };
      reply = { id: m.id, error: { message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } };
    }
    port.postMessage(reply);
  });
}

/**
 * Commits on a worker thread so that the fsync of each group does not stall the event loop.
 * The worker starts on the first commit; if it cannot start (no worker threads, a loader
 * failure), commits run on this thread through `inThread`, with the same transaction.
 */
export function offThreadCommitter(file: string, inThread: (batch: UnchainedFields[]) => AuditRecord[]): { commit: Committer; close(): Promise<void> } {
  let worker: Worker | null = null;
  let failed = false;
  let nextId = 0;
  const waiting = new Map<number, { batch: UnchainedFields[]; resolve: (r: AuditRecord[]) => void; reject: (e: unknown) => void }>();

  const fallBack = () => {
    failed = true;
    worker = null;
    // Nothing of these batches reached the file: the worker never answered them.
    for (const [id, w] of waiting) {
      waiting.delete(id);
      try {
        w.resolve(inThread(w.batch));
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
      const entry = waiting.get(m.id);
      if (!entry) return;
      waiting.delete(m.id);
      if ('records' in m) entry.resolve(m.records);
      else entry.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
    });
    w.on('error', fallBack);
    w.on('exit', () => {
      if (worker === w) fallBack();
    });
    return w;
  };

  return {
    commit(batch) {
      if (failed) return Promise.resolve().then(() => inThread(batch));
      worker ??= start();
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { batch, resolve, reject });
        worker!.postMessage({ id, batch } satisfies CommitRequest);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      failed = true;
      if (w) await w.terminate();
    },
  };
}
