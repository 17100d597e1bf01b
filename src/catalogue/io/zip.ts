import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { zipSync } from 'fflate';
import { ImportError, type ProgressFn } from '../import-error.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads a zip archive's central directory. A file cut short loses its end-of-central-directory
 * record, so truncation is caught here, before a single row is read.
 */
export async function readZipDirectory(file: string): Promise<ZipEntry[]> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    let at = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ImportError(file, null, null, 'not a complete zip archive (end of central directory missing: truncated download?)');
    const count = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) throw new ImportError(file, null, null, 'zip64 archives are not supported');
    if (cdOffset + cdSize > size - tailLength + at) throw new ImportError(file, null, null, 'zip archive is truncated (central directory out of range)');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ImportError(file, null, null, 'zip central directory is corrupt');
      const flags = cd.readUInt16LE(p + 8);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const rawName = cd.subarray(p + 46, p + 46 + nameLength);
      // Bit 11 marks UTF-8 names; older Chinese tools write GBK names without it.
      const name = flags & 0x800 ? rawName.toString('utf8') : decodeLegacyName(rawName);
      if (flags & 1) throw new ImportError(file, null, name, 'encrypted zip entries are not supported');
      entries.push({
        name,
        method: cd.readUInt16LE(p + 10),
        crc: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

function decodeLegacyName(raw: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new TextDecoder('gbk').decode(raw);
  }
}

/**
 * Streams one entry's uncompressed bytes, checking its size and CRC-32 at the end so that a
 * corrupt archive never passes for a short one.
 */
export async function* zipEntryChunks(file: string, entry: ZipEntry, onProgress?: ProgressFn): AsyncGenerator<Buffer> {
  if (entry.method !== 0 && entry.method !== 8) throw new ImportError(file, null, entry.name, `unsupported zip compression method ${entry.method}`);
  const fh = await open(file, 'r');
  const header = Buffer.alloc(30);
  try {
    await fh.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await fh.close();
  }
  if (header.readUInt32LE(0) !== LOCAL) throw new ImportError(file, null, entry.name, 'zip local header is corrupt');
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) throw new ImportError(file, null, entry.name, 'zip entry is corrupt (no data)');
    return;
  }
  const raw = createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
  // Progress through the entry's own bytes, so it ends at 100% (the directory after them is never read).
  let read = 0;
  raw.on('data', (c) => {
    read += c.length;
    onProgress?.(read, entry.compressedSize);
  });
  const out = entry.method === 8 ? pipeline(raw, createInflateRaw({ chunkSize: 1 << 20 }), () => {}) : raw;
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of out) {
      const buf = chunk as Buffer;
      crc = crc32(buf, crc);
      size += buf.length;
      if (size > entry.size) break;
      yield buf;
    }
  } catch (err) {
    throw new ImportError(file, null, entry.name, `zip entry is corrupt: ${(err as Error).message}`);
  } finally {
    raw.destroy();
  }
  if (size !== entry.size || crc >>> 0 !== entry.crc) {
    throw new ImportError(file, null, entry.name, `zip entry is corrupt (expected ${entry.size} bytes with CRC ${entry.crc.toString(16)}, got ${size} bytes with CRC ${(crc >>> 0).toString(16)})`);
  }
}

/** A zip holding one file, as the platform ships a 1301 download. Fixed timestamp: the same text gives the same bytes. */
export function zipOneFile(name: string, data: Uint8Array, mtime = new Date('2026-01-01T00:00:00Z')): Uint8Array {
  return zipSync({ [name]: [data, { level: 6, mtime }] });
}
