import { SingleBar } from 'cli-progress';
import path from 'node:path';
import { PERSON_RATIOS_FIELD, type DiffField } from './diff.js';
import { ImportError, type ProgressFn } from './import-error.js';
import type { CatalogueIndex } from './index.js';
import { publicEntry } from './public-entry.js';
import type { FileFormat } from './readers.js';
import type { ImportResult, StoredVersion } from './store.js';
import type { Config } from '../config.js';
import { openDataStore } from '../db/database.js';
import { formatRatio, formatYuan } from '../money.js';
import { CatalogueStore } from './store.js';
import { platformDownloader, syncCatalogue } from './sync.js';
import { platformClient, platformSignerConfig } from '../account/from-config.js';
import { loadVirtualCards } from '../emulator/virtual-cards.js';
import { buildSimulator } from '../simulator/app.js';

export const CATALOGUE_USAGE = `  catalogue import FILE          import a catalogue file as a new active version: the 1301 download
                                 (zip or text), the provincial workbook (XLSX or CSV), a payment-policy
                                 CSV or the item-mapping CSV (the format is recognised)
  catalogue sync                 download the changes since the active version from the platform (1301 + 9102)
  catalogue versions             list versions (source, rows, checksum, which is active)
  catalogue diff A B             what changed from version A to version B (added, removed, class, cap, ...)
  catalogue rollback [mapping]   make the previous catalogue (or item-mapping) version active again
  catalogue show CODE            print one entry, by national code, barcode or local item code
  catalogue search TEXT          find entries by name (Chinese substring)`;

/** Where progress goes: a bar on a terminal, a line at every tenth otherwise. */
export type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/**
 * The `catalogue` command's output for people: results to stdout, progress and errors to
 * stderr. Progress is a bar on a terminal and plain lines elsewhere (a service's journal, cron
 * mail, a pipe), so a long import run by a timer still shows that it is moving.
 */
export class CatalogueCli {
  constructor(
    private readonly catalogue: CatalogueStore,
    private readonly out: (line: string) => void = (l) => console.log(l),
    private readonly progress: ProgressStream = process.stderr,
  ) {}

  async import(file: string, format?: FileFormat): Promise<number> {
    const bar = progressBar(`importing ${path.basename(file)}`, this.progress);
    try {
      this.printImport(await this.catalogue.importFile(file, { onProgress: bar.update, ...(format ? { format } : {}) }));
      return 0;
    } finally {
      bar.stop();
    }
  }

  /** Runs `catalogue sync` through the given download function (the platform client's 1301 + 9102). */
  async sync(download: (onProgress: ProgressFn) => Promise<ImportResult | null>): Promise<number> {
    const bar = progressBar('importing the platform download', this.progress);
    try {
      const result = await download(bar.update);
      bar.stop();
      if (!result) this.out(`the catalogue is up to date (ver ${this.catalogue.index.version?.platformVer ?? '0'})`);
      else this.printImport(result);
      return 0;
    } finally {
      bar.stop();
    }
  }

  versions(): number {
    const rows = this.catalogue.versions();
    if (rows.length === 0) this.out('no versions yet: import a catalogue file or run catalogue sync');
    for (const v of rows) this.out(versionLine(v));
    return 0;
  }

  diff(a: string, b: string): number {
    const from = versionId(a);
    const to = versionId(b);
    const d = this.catalogue.diff(from, to);
    for (const e of d.added) this.out(`+ ${e.code} ${e.name}`);
    for (const e of d.removed) this.out(`- ${e.code} ${e.name}`);
    for (const e of d.changed) {
      const what = Object.entries(e.changes).map(([field, c]) => `${field} ${show(field as DiffField, c.from)} -> ${show(field as DiffField, c.to)}`);
      this.out(`~ ${e.code} ${e.name}: ${what.join(', ')}`);
    }
    this.out(`version ${from} -> ${to}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
    return 0;
  }

  async rollback(kind: string | undefined): Promise<number> {
    if (kind !== undefined && kind !== 'catalogue' && kind !== 'mapping') throw new ImportError('rollback', null, null, `nothing called "${kind}" to roll back: catalogue or mapping`);
    const v = await this.catalogue.rollback(kind ?? 'catalogue');
    this.out(`rolled back: ${versionLine(v)}`);
    return 0;
  }

  show(ref: string): number {
    const index = this.catalogue.index;
    const code = lookup(index, ref);
    const e = code ? index.get(code) : undefined;
    if (!e) {
      console.error(code && code !== ref ? `${ref} maps to ${code}, which is not in the active catalogue` : `no entry, barcode or local item ${ref} in the active catalogue`);
      return 1;
    }
    this.out(JSON.stringify(publicEntry(e, index.personRatiosOf(e.code)), null, 2));
    return 0;
  }

  search(text: string): number {
    const hits = this.catalogue.index.search(text, 50);
    for (const e of hits) this.out(`${e.code}  ${e.name}  ${e.spec ?? ''}  ${e.manufacturer ?? ''}  ${e.insuranceClass ?? '-'}`);
    if (hits.length === 0) console.error(`nothing matches "${text}"`);
    return hits.length === 0 ? 1 : 0;
  }

  private printImport(r: ImportResult): void {
    this.out(`imported ${versionLine(r.version)}`);
    for (const w of r.warnings) console.error(`warning: ${w}`);
  }
}

/** A national code, barcode or local item code, whichever the index knows. */
export function lookup(index: CatalogueIndex, ref: string): string | undefined {
  if (index.get(ref)) return ref;
  return index.resolve({ barcode: ref }) ?? index.resolve({ localCode: ref }) ?? ref;
}

function versionId(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new ImportError('diff', null, null, `not a version number: "${text}" (see catalogue versions)`);
  return n;
}

function show(field: DiffField, v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (field === PERSON_RATIOS_FIELD) {
    const byType = Object.entries(v as Record<string, number>);
    return byType.length === 0 ? '-' : byType.map(([type, ratio]) => `${type}:${formatRatio(ratio)}`).join(',');
  }
  if (field === 'priceCapFen') return formatYuan(v as number);
  if (field === 'selfPayRatio') return formatRatio(v as number);
  if (field === 'restricted' || field === 'prescriptionOnly' || field === 'valid') return v === 1 ? 'yes' : 'no';
  return String(v);
}

function versionLine(v: StoredVersion | ImportResult['version']): string {
  const kind = v.kind ?? 'catalogue';
  const size = 'entryCount' in v ? ` ${v.entryCount} ${kind === 'mapping' ? 'items' : 'entries'},` : '';
  return `${v.active ? '*' : ' '} ${v.id}  ${kind}/${v.format}  ${v.source}  ${v.rowCount} rows,${size} sha256 ${v.checksum.slice(0, 12)}  ${v.importedAt}${v.platformVer ? `  ver ${v.platformVer}` : ''}${v.status && v.status !== 'ready' ? `  (${v.status})` : ''}`;
}

const mb = (n: number) => Math.round(n / 1e5) / 10;

/** A progress bar when the stream is a terminal; lines otherwise (see progressLines). */
function progressBar(label: string, stream: ProgressStream): { update: ProgressFn; stop(): void } {
  if (!stream.isTTY) return progressLines(label, stream);
  const bar = new SingleBar({ stream: stream as NodeJS.WriteStream, format: `${label} [{bar}] {percentage}% | {value}/{total} MB`, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(mb(total), 0);
        started = true;
      }
      bar.update(mb(done));
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** `importing X: 40% of 12.3 MB read`, once per tenth reached; reading is the long part, the summary line follows the rest. */
function progressLines(label: string, stream: ProgressStream): { update: ProgressFn; stop(): void } {
  let shown = 0;
  return {
    update: (done, total) => {
      const tenth = total > 0 ? Math.min(10, Math.floor((done / total) * 10)) : 0;
      if (tenth <= shown) return;
      shown = tenth;
      stream.write(`${label}: ${tenth * 10}% of ${total < 1e5 ? `${Math.ceil(total / 1e3)} KB` : `${mb(total)} MB`} read\n`);
    },
    stop: () => {
      shown = 0;
    },
  };
}

/** Sync through the configured platform, or the built-in simulator when none is configured (as `serve` does). */
async function syncWithConfiguredPlatform(config: Config, catalogue: CatalogueStore, onProgress: ProgressFn): Promise<ImportResult | null> {
  const signer = platformSignerConfig(config, !config.platformUrl);
  const sim = config.platformUrl ? null : await buildSimulator({ cards: loadVirtualCards(config.devicesDir), signer, pathTemplate: config.platformPath });
  try {
    const url = config.platformUrl ?? (await sim!.listen({ host: '127.0.0.1', port: 0 }));
    const client = platformClient(config, url, signer);
    try {
      return await syncCatalogue(catalogue, platformDownloader(client), onProgress);
    } finally {
      await client.close();
    }
  } finally {
    await sim?.close();
  }
}

/** `checkout-guard catalogue <sub> ...` against the configured data folder. */
export async function runCatalogueCommand(config: Config, sub: string | undefined, args: string[]): Promise<number> {
  const store = openDataStore(config.dataDir);
  try {
    const catalogue = new CatalogueStore(store, { keepVersions: config.catalogueKeepVersions });
    const cli = new CatalogueCli(catalogue);
    switch (sub) {
      case 'import':
        if (args.length === 1) return await cli.import(args[0]!);
        break;
      case 'mapping':
        if (args.length === 1) return await cli.import(args[0]!, 'mapping');
        break;
      case 'sync':
        if (args.length === 0) return await cli.sync((onProgress) => syncWithConfiguredPlatform(config, catalogue, onProgress));
        break;
      case 'versions':
        return cli.versions();
      case 'diff':
        if (args.length === 2) return cli.diff(args[0]!, args[1]!);
        break;
      case 'rollback':
        if (args.length <= 1) return await cli.rollback(args[0]);
        break;
      case 'show':
        if (args.length === 1) return cli.show(args[0]!);
        break;
      case 'search':
        if (args.length >= 1) return cli.search(args.join(' '));
        break;
    }
    console.error(`usage:\n${CATALOGUE_USAGE}`);
    return 2;
  } finally {
    store.close();
  }
}
