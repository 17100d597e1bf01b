/**
 * Worker side of a large 1301 import (see parallel-1301.ts): inflates, decodes and parses the
 * file on its own thread and posts batches of entries, a few ahead of what the main thread has
 * written, so parsing and SQLite writes overlap on two cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AS_IS } from './formats/nhsa-1301.js';
import { ImportError } from './import-error.js';
import { read1301, type FileMeta } from './readers.js';
import type { WorkerJob, WorkerMessage } from './parallel-1301.js';

const port = parentPort!;
const job = workerData as WorkerJob;
let credits = job.ahead;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
});
const post = (m: WorkerMessage) => port.postMessage(m);

const meta: FileMeta = { label: null, platformVer: null, rows: 0 };
let lastProgress = 0;
try {
  for await (const batch of read1301(job.file, job.format, meta, AS_IS, (done, total) => {
    if (done - lastProgress >= 1 << 20 || done === total) {
      lastProgress = done;
      post({ type: 'progress', done, total });
    }
  })) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    credits--;
    post({ type: 'batch', rows: batch.rows, at: batch.at });
  }
  post({ type: 'end', meta });
} catch (err) {
  post(err instanceof ImportError
    ? { type: 'fail', error: { file: job.file, position: err.position, column: err.column, problem: err.problem } }
    : { type: 'fail', error: { message: (err as Error).message } });
}
