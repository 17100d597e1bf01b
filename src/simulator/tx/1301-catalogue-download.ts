import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { platformTime } from '../../account/envelope.js';
import { PROJECT_ROOT } from '../../config.js';
import { COLUMNS_1301 } from '../../catalogue/formats/nhsa-1301.js';
import { zipOneFile } from '../../catalogue/io/zip.js';
import { compareVer } from '../../catalogue/readers.js';
import type { SimulatorState } from '../state.js';
import { TxRefusal, type SimulatedTransaction } from '../transaction.js';

/** The platform's catalogue: the shipped sample download, each row with its ver. */
export const PLATFORM_CATALOGUE = path.join(PROJECT_ROOT, 'catalogue', 'sample-1301.zip');

/**
 * Rows per answer file, rounded up to whole ver groups so that "after ver" never skips a row.
 * Small, so that even the sample arrives in more than one page.
 */
export const PAGE_ROWS = 10;

const VER_AT = COLUMNS_1301.indexOf('ver');
const FILE_TTL_MS = 24 * 3600_000;

interface PreparedFile {
  filename: string;
  bytes: Uint8Array;
  expiresAt: number;
}

/** Files prepared by 1301, fetched by 9102: per simulator instance. */
const prepared = new WeakMap<SimulatorState, Map<string, PreparedFile>>();

export function preparedFiles(state: SimulatorState): Map<string, PreparedFile> {
  let files = prepared.get(state);
  if (!files) prepared.set(state, (files = new Map()));
  return files;
}

let rows: { ver: string; line: string }[] | undefined;

function platformRows(): { ver: string; line: string }[] {
  if (!rows) {
    const zip = unzipSync(readFileSync(PLATFORM_CATALOGUE));
    const text = Object.values(zip).map((b) => new TextDecoder().decode(b)).join('\n');
    rows = text.split('\n').filter((l) => l.trim() !== '').map((line) => ({ ver: line.split('\t')[VER_AT] ?? '0', line }));
    rows.sort((a, b) => compareVer(a.ver, b.ver));
  }
  return rows;
}

/** 1301 西药中成药目录下载: prepares a zip of the rows after `ver` and names it for 9102. */
export const catalogueDownload: SimulatedTransaction = {
  infno: '1301',
  name: '西药中成药目录下载',
  requiresSignIn: true,
  handle(input, { state, now }) {
    const ver = String((input['data'] as { ver?: unknown } | undefined)?.ver ?? '');
    if (!/^\d{1,20}$/.test(ver)) throw new TxRefusal('参数错误：ver 必须为数字版本号');
    const newer = platformRows().filter((r) => compareVer(r.ver, ver) > 0);
    let n = Math.min(PAGE_ROWS, newer.length);
    while (n < newer.length && newer[n]!.ver === newer[n - 1]!.ver) n++;
    const page = newer.slice(0, n);
    const stamp = platformTime(now).replace(/\D/g, '');
    const filename = `1301_${stamp}${randomBytes(2).toString('hex')}.txt.zip`;
    const fileQueryNo = `fsi/plc/${randomBytes(15).toString('hex')}`;
    const text = page.map((r) => r.line + '\n').join('');
    preparedFiles(state).set(fileQueryNo, { filename, bytes: zipOneFile(filename.replace(/\.zip$/, ''), new TextEncoder().encode(text), now), expiresAt: now.getTime() + FILE_TTL_MS });
    return { output: { file_qury_no: fileQueryNo, filename, dld_endtime: platformTime(new Date(now.getTime() + FILE_TTL_MS)), data_cnt: page.length } };
  },
};
