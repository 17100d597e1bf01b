import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ProgressFn } from '../import-error.js';

const CHUNK = 1 << 20;

/** SHA-256 of a file, read in chunks. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's bytes in chunks, reporting progress against its size. */
export async function* fileChunks(file: string, onProgress?: ProgressFn): AsyncGenerator<Buffer> {
  const { size } = await stat(file);
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
    done += (chunk as Buffer).length;
    onProgress?.(done, size);
    yield chunk as Buffer;
  }
}

/** The first bytes of a file, for format sniffing. */
export async function fileHead(file: string, length = 4096): Promise<Buffer> {
  for await (const chunk of createReadStream(file, { start: 0, end: length - 1 })) return chunk as Buffer;
  return Buffer.alloc(0);
}
