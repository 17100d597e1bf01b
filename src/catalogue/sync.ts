import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PlatformClient } from '../account/client.js';
import { CATALOGUE_DOWNLOAD, catalogueDownloadInput } from '../account/tx/1301-catalogue-download.js';
import { FILE_DOWNLOAD, fileDownloadInput } from '../account/tx/9102-file-download.js';
import { ImportError, type ProgressFn } from './import-error.js';
import { compareVer, type FileMeta } from './readers.js';
import type { CatalogueStore, ImportResult } from './store.js';

/** One 1301 answer: the file holding the rows after `ver`, to be fetched with 9102. */
export interface CatalogueFileRef {
  fileQueryNo: string;
  filename: string;
  /** data_cnt; NaN when the platform does not say (the page is then read to find out). */
  rows: number;
}

/** The platform side of a sync: transaction 1301 (which file) and 9102 (its bytes, to disk). */
export interface CatalogueDownloader {
  request(ver: string): Promise<CatalogueFileRef>;
  download(file: CatalogueFileRef, dest: string): Promise<void>;
}

/** The national interface as the platform client speaks it. */
export function platformDownloader(client: PlatformClient): CatalogueDownloader {
  return {
    async request(ver) {
      const out = await client.call(CATALOGUE_DOWNLOAD, catalogueDownloadInput(ver));
      return { fileQueryNo: out.file_qury_no, filename: out.filename, rows: out.data_cnt === undefined ? Number.NaN : Number(out.data_cnt) };
    },
    async download(file, dest) {
      await writeFile(dest, await client.call(FILE_DOWNLOAD, fileDownloadInput(file.fileQueryNo, file.filename)));
    },
  };
}

/** Safety stop: a platform that keeps answering with the same ver would loop forever. */
const MAX_PAGES = 10_000;

/**
 * `catalogue sync`: asks 1301 for the rows after the active version's highest ver, fetches
 * each answer file through 9102 and imports all pages as one version. The platform answers
 * in pages; each page's highest ver is where the next request starts, until a page is empty.
 * Null when the catalogue was already up to date.
 */
export async function syncCatalogue(catalogue: CatalogueStore, platform: CatalogueDownloader, onProgress?: ProgressFn): Promise<ImportResult | null> {
  const startVer = catalogue.index.version?.platformVer ?? '0';
  const meta: FileMeta = { label: null, platformVer: null, rows: 0 };
  const dir = await mkdtemp(path.join(tmpdir(), 'catalogue-sync-'));
  async function* pages(): AsyncGenerator<string> {
    let ver = startVer;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const ref = await platform.request(ver);
      if (ref.rows === 0) return;
      const before = meta.rows;
      const dest = path.join(dir, `${String(page).padStart(5, '0')}-${path.basename(ref.filename).replace(/[^\w.-]/g, '_') || 'page.zip'}`);
      await platform.download(ref, dest);
      yield dest;
      // The store has read the page by now: its highest ver is the next starting point.
      if (meta.rows === before) return;
      if (meta.platformVer === null || compareVer(meta.platformVer, ver) <= 0) {
        throw new ImportError(ref.filename, null, 'ver', `the platform's page after ver ${ver} holds no newer ver (highest ${meta.platformVer ?? 'none'}): refusing to loop`);
      }
      ver = meta.platformVer;
    }
    throw new ImportError('1301', null, null, `more than ${MAX_PAGES} pages: stopped`);
  }
  try {
    return await catalogue.importDownload(pages(), `platform 1301 from ver ${startVer}`, startVer === '0' ? 'full' : 'delta', meta, onProgress);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
