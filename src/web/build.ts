import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One file of the built page, ready to send: the bytes, a gzip copy and a content-derived ETag. */
export interface WebAsset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

export interface WebBundle {
  index: WebAsset;
  /** Content-hashed file names (`main-3F2A1B.js`) under `assets/`; safe to cache forever. */
  assets: Map<string, WebAsset>;
}

const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/**
 * Bundles the auditor page (plain TypeScript and DOM) with esbuild in memory. The service
 * builds it once, on first listen or first request, so a clean clone serves a page that
 * always matches its source, with no build directory to go stale.
 */
export async function buildWebBundle(): Promise<WebBundle> {
  // esbuild is only needed once the page is asked for; tests that never serve it do not load it.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    minify: true,
    sourcemap: false,
    format: 'esm',
    target: ['chrome109', 'firefox115', 'safari15'],
    outdir: '/assets',
    entryNames: '[name]-[hash]',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const assets = new Map<string, WebAsset>();
  const named: Record<string, string> = {};
  for (const out of result.outputFiles) {
    const file = path.basename(out.path);
    const ext = path.extname(file);
    assets.set(file, asset(Buffer.from(out.contents), TYPES[ext] ?? 'application/octet-stream'));
    named[`main${ext}`] = file;
  }
  if (!named['main.js'] || !named['main.css']) throw new Error('auditor page build produced no script or no stylesheet');
  const html = readFileSync(path.join(PAGE_DIR, 'index.html'), 'utf8').replace(/\{\{(main\.(?:js|css))\}\}/g, (_, name: string) => `assets/${named[name]}`);
  return { index: asset(Buffer.from(html), TYPES['.html']!), assets };
}

function asset(body: Buffer, type: string): WebAsset {
  return { body, gzip: gzipSync(body, { level: 9 }), type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}
