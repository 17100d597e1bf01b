import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Runs `exportName(input)` from a TypeScript module on a worker thread and resolves with its
 * (structured-cloneable) result. The service runs from TypeScript through tsx, and a worker
 * does not inherit tsx's loader, so the worker's first act is to load the module through
 * tsx's own import API; this works alike under `tsx`, `node --import tsx` and vitest.
 */
export function runInWorker<I, O>(moduleUrl: URL, exportName: string, input: I): Promise<O> {
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then((tsx) => tsx.tsImport(workerData.module, workerData.module))
  .then((mod) => mod[workerData.exportName](workerData.input))
  .then((result) => parentPort.postMessage({ result }), (err) => parentPort.postMessage({ error: String(err && err.stack || err) }));`;
  return new Promise<O>((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { tsx: tsxApi(), module: moduleUrl.href, exportName, input } });
    let settled = false;
    worker.once('message', (m: { result?: O; error?: string }) => {
      settled = true;
      if (m.error !== undefined) reject(new Error(`worker ${exportName} failed: ${m.error}`));
      else resolve(m.result as O);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`worker ${exportName} exited with code ${code}`));
    });
  });
}

let tsxApiUrl: string | undefined;
function tsxApi(): string {
  tsxApiUrl ??= pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  return tsxApiUrl;
}
