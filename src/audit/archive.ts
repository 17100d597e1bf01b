import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Database } from 'better-sqlite3';
import { chainHash } from './canonical.js';
import { ChainWalker, type Broken } from './chain.js';
import { checkSignature, parseCheckpoint, type Checkpoint, type CheckpointExport } from './checkpoints.js';
import { fromView, RECORD_COLUMNS, toView, type AuditRecord } from './record.js';

export const ARCHIVE_FORMAT = 'checkout-guard/audit-archive/1';

/** First line of an archive file. */
export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  fromSeq: number;
  upToSeq: number;
  count: number;
  /** prev_hash of record fromSeq: the hash the previous archive (or genesis) ends with. */
  prevHash: string;
  firstAt: string;
  lastAt: string;
  createdAt: string;
}

export interface ArchiveRegisterRow {
  upToSeq: number;
  fromSeq: number;
  lastHash: string;
  firstPrevHash: string;
  file: string;
  fileSha256: string;
  count: number;
  firstAt: string;
  lastAt: string;
  archivedAt: string;
}

/**
 * Writes records from..to (one contiguous part of the chain) as a gzip'd JSON-lines file:
 * the header, one full record view per line (the export's form), then the signed checkpoint
 * of the last record with the public key. Written to a temporary name, fsync'd, then renamed,
 * so a crash leaves either no archive or a whole one.
 */
export async function writeArchiveFile(sqlite: Database, dir: string, header: ArchiveHeader, trailer: CheckpointExport): Promise<{ file: string; sha256: string }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `audit-${String(header.fromSeq).padStart(12, '0')}-${String(header.upToSeq).padStart(12, '0')}.jsonl.gz`;
  const final = path.join(dir, name);
  const temp = `${final}.partial`;
  const select = sqlite.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_decisions WHERE seq BETWEEN ? AND ? ORDER BY seq`);
  async function* lines(): AsyncGenerator<string> {
    yield JSON.stringify(header) + '\n';
    for (let seq = header.fromSeq; seq <= header.upToSeq; seq += 1000) {
      const rows = select.all(seq, Math.min(seq + 999, header.upToSeq)) as AuditRecord[];
      yield rows.map((r) => JSON.stringify(toView(r)) + '\n').join('');
    }
    yield JSON.stringify(trailer) + '\n';
  }
  const sha = createHash('sha256');
  try {
    await pipeline(Readable.from(lines()), createGzip(), async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        sha.update(chunk);
        yield chunk;
      }
    }, createWriteStream(temp, { mode: 0o600 }));
    await fsync(temp);
    await rename(temp, final);
    await fsync(dir);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return { file: name, sha256: sha.digest('hex') };
}

async function fsync(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ArchiveFileCheck {
  ok: boolean;
  file: string;
  header: ArchiveHeader | null;
  count: number;
  last: { seq: number; hash: string } | null;
  checkpoint: (Checkpoint & { signatureValid: boolean; matches: boolean }) | null;
  sha256: string;
  broken: Broken | null;
  /** What is wrong with the file itself (format, trailer), when not a record. */
  problem: string | null;
}

/**
 * Reads an archive (or a JSON-lines export: header and trailer are then absent) and
 * recomputes its chain. With `publicKey` the trailer's checkpoint is checked against the
 * auditor's own copy of the key instead of the one the file carries.
 */
export async function verifyArchiveFile(file: string, options: { publicKey?: string; prevHash?: string } = {}): Promise<ArchiveFileCheck> {
  const sha = createHash('sha256');
  const raw = createReadStream(file);
  raw.on('data', (chunk) => sha.update(chunk));
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const out: ArchiveFileCheck = { ok: false, file, header: null, count: 0, last: null, checkpoint: null, sha256: '', broken: null, problem: null };
  let walker: ChainWalker | null = null;
  let trailer: unknown;
  let lineNo = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') continue;
      const value = JSON.parse(line) as Record<string, unknown>;
      if (lineNo === 1 && value['format'] === ARCHIVE_FORMAT) {
        out.header = value as unknown as ArchiveHeader;
        continue;
      }
      if ('checkpoint' in value) {
        trailer = value;
        continue;
      }
      const record = fromView(value);
      if (!record) {
        out.problem = `line ${lineNo} is not an audit record`;
        break;
      }
      walker ??= new ChainWalker({ seq: out.header?.fromSeq ?? record.seq, prevHash: out.header?.prevHash ?? options.prevHash ?? null });
      if (!walker.push({ ...record, computed: chainHash(record) })) break;
    }
  } catch (err) {
    out.problem = `line ${lineNo + 1}: ${(err as Error).message}`;
  }
  out.sha256 = sha.digest('hex');
  out.count = walker?.count ?? 0;
  out.last = walker?.last ?? null;
  out.broken = walker?.broken ?? null;
  if (!out.problem && !out.broken && out.header) {
    if (out.count !== out.header.count || out.last?.seq !== out.header.upToSeq) out.problem = `the header promises records ${out.header.fromSeq}..${out.header.upToSeq} (${out.header.count}), the file holds ${out.count}`;
    const cp = parseCheckpoint(trailer);
    const key = options.publicKey ?? (trailer as { publicKey?: unknown } | undefined)?.publicKey;
    if (!cp || typeof key !== 'string') out.problem ??= 'the archive has no signed checkpoint trailer';
    else {
      out.checkpoint = { ...cp, signatureValid: checkSignature(cp, key), matches: cp.seq === out.last?.seq && cp.hash === out.last.hash };
      if (!out.checkpoint.signatureValid) out.problem ??= 'the checkpoint signature does not verify';
      else if (!out.checkpoint.matches) out.problem ??= `the checkpoint says record ${cp.seq} has hash ${cp.hash.slice(0, 16)}…, the file's chain ends at ${out.last?.seq} with ${out.last?.hash.slice(0, 16)}…`;
    }
  }
  out.ok = !out.problem && !out.broken;
  return out;
}
