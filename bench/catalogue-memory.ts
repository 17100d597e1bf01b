/**
 * Child process of the catalogue benchmark: starts the service on DATA_DIR (argv[2]), waits
 * for it to be up with its catalogue in memory, and prints its memory as one JSON line.
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { memoryMiB } from './harness.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: catalogue-memory.ts DATA_DIR');
const app = await buildApp(loadConfig([], {}, { dataDir, logLevel: 'silent', port: 0 }));
await app.listen({ host: '127.0.0.1', port: 0 });
const entries = app.services.catalogue.index.size;
const { rss, heapUsed } = memoryMiB();
await app.close();
console.log(JSON.stringify({ rss, heapUsed, entries }));
