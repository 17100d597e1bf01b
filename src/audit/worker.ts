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
  return new Promise<O>((resolve, reject) => {
    const worker = startModuleWorker(moduleUrl, exportName, input, true);
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

/**
 * Starts a worker that loads `exportName` from a TypeScript or JavaScript module. One-shot
 * workers post the function's result (or `{ error }`); long-lived ones get the parent port as
 * the second argument and talk over it themselves (a start-up failure arrives as `{ fatal }`).
 */
export function startModuleWorker(moduleUrl: URL, exportName: string, input: unknown, oneShot = false): Worker {
  const run = oneShot
    ? `.then((mod) => mod[workerData.exportName](workerData.input))
  .then((result) => parentPort.postMessage({ result }), (err) => parentPort.postMessage({ error: String(err && err.stack || err) }));`
    : `.then((mod) => mod[workerData.exportName](workerData.input, parentPort))
  .catch((err) => parentPort.postMessage({ fatal: String(err && err.stack || err) }));`;
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then((tsx) => tsx.tsImport(workerData.module, workerData.module))
  ${run}`;
  return new Worker(source, { eval: true, workerData: { tsx: tsxApi(), module: moduleUrl.href, exportName, input } });
}

let tsxApiUrl: string | undefined;
function tsxApi(): string {
  tsxApiUrl ??= pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  return tsxApiUrl;
}
