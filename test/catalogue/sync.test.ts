import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample1301Text } from '../../catalogue/make-samples.js';
import { SAMPLE_ROWS, VER_1 } from '../../catalogue/sample-rows.js';
import { zipOneFile } from '../../src/catalogue/io/zip.js';
import { platformDownloader, syncCatalogue, type CatalogueDownloader } from '../../src/catalogue/sync.js';
import { ServiceFault } from '../../src/reasons.js';
import { startPlatform, type PlatformFixture } from '../account/platform-fixture.js';
import { observable, tempCatalogue, type TempCatalogue } from './helpers.js';

let t: TempCatalogue;
let platform: PlatformFixture;
beforeEach(async () => {
  t = tempCatalogue();
  platform = await startPlatform();
});
afterEach(async () => {
  await platform.close();
  t.close();
});

/** The platform's first release: the sample as it was before ver 20260201 (the ended listing not yet in, ibuprofen still valid). */
const release1 = SAMPLE_ROWS.filter((r) => r.entry.code !== 'XR05CBA110A001010100432')
  .map((r) => (r.entry.code === 'XM01AEB015A001010100345' ? { ...r, entry: { ...r.entry, valid: true, listVersion: VER_1.ver } } : r));

describe('catalogue sync through the platform client (1301 + 9102)', () => {
  it('from an empty catalogue: downloads every page from ver 0 and activates them as one version', async () => {
    const result = await syncCatalogue(t.catalogue, platformDownloader(platform.client));
    expect(result?.version).toMatchObject({ format: '1301', source: 'platform 1301 from ver 0', rowCount: 15, entryCount: 15, platformVer: '20260201', label: '2026年第2版', active: true });
    for (const r of SAMPLE_ROWS) expect(t.catalogue.index.get(r.entry.code)).toMatchObject({ ...r.entry, selfPayRatio: null });
    // Two pages (the simulator pages at 10 rows, whole ver groups) and the empty answer that ends it.
    expect(platform.sim.control.requests()).toMatchObject({ '1301': 3, '9102': 2 });
  });

  it('when up to date: one 1301 query, nothing imported', async () => {
    await syncCatalogue(t.catalogue, platformDownloader(platform.client));
    const before = observable(t);
    platform.sim.control.resetRequests();
    expect(await syncCatalogue(t.catalogue, platformDownloader(platform.client))).toBeNull();
    expect(platform.sim.control.requests()).toEqual({ '1301': 1 });
    expect(observable(t)).toEqual(before);
  });

  it('from a local release: downloads only the rows after its ver and lays them over it, policy kept', async () => {
    const file = t.zip('release1.zip', sample1301Text(release1));
    await t.catalogue.importFile(file);
    await t.catalogue.importFile(t.file('p.csv', 'hilist_code,selfpay_prop,hilist_pric_uplmt_amt,overlmt_dspo_way\nXC10AAA058A001010100123,0.1,30.00,1\nXM01AEB015A001010100345,,9.90,2\n'));
    expect(t.catalogue.index.version?.platformVer).toBe('20260101');
    const result = await syncCatalogue(t.catalogue, platformDownloader(platform.client));
    expect(result?.version).toMatchObject({ source: 'platform 1301 from ver 20260101', rowCount: 2, entryCount: 15, platformVer: '20260201', basedOn: 2 });
    const d = t.catalogue.diff(2, result!.version.id);
    expect(d.added.map((e) => e.code)).toEqual(['XR05CBA110A001010100432']);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([{ code: 'XM01AEB015A001010100345', name: '布洛芬缓释胶囊', changes: { valid: { from: 1, to: 0 } } }]);
    expect(t.catalogue.index.get('XC10AAA058A001010100123')).toMatchObject({ priceCapFen: 3000, selfPayRatio: 1000 });
    expect(t.catalogue.index.get('XM01AEB015A001010100345')).toMatchObject({ valid: false, priceCapFen: 990, overCapHandling: 'refuse' });
  });

  it('a platform refusal is a platform fault and changes nothing', async () => {
    await t.catalogue.importFile(t.zip('release1.zip', sample1301Text(release1)));
    const before = observable(t);
    platform.sim.control.addFault({ kind: 'refuse', infno: '9102', errMsg: '文件不存在' });
    const err = await syncCatalogue(t.catalogue, platformDownloader(platform.client)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceFault);
    expect((err as ServiceFault).code).toBe('PLATFORM_ERROR');
    expect(observable(t)).toEqual(before);
  });

  it('a failure on a later page discards the pages already read', async () => {
    let page = 0;
    const failing: CatalogueDownloader = {
      request: async (ver) => ({ fileQueryNo: `q${ver}`, filename: 'page.zip', rows: 1 }),
      download: async (_f, dest) => {
        page++;
        if (page === 2) throw new ServiceFault('PLATFORM_UNAVAILABLE', { infno: '9102', cause: 'timeout' });
        writeFileSync(dest, zipOneFile('p.txt', Buffer.from(sample1301Text(release1))));
      },
    };
    const before = observable(t);
    await expect(syncCatalogue(t.catalogue, failing)).rejects.toThrow(/PLATFORM_UNAVAILABLE/);
    expect(observable(t)).toEqual(before);
  });

  it('refuses to loop when a page does not move past the ver it was asked for', async () => {
    const stuck: CatalogueDownloader = {
      request: async () => ({ fileQueryNo: 'q', filename: 'same.zip', rows: 15 }),
      download: async (_f, dest) => writeFileSync(dest, zipOneFile('p.txt', Buffer.from(sample1301Text()))),
    };
    await syncCatalogue(t.catalogue, platformDownloader(platform.client));
    await expect(syncCatalogue(t.catalogue, stuck)).rejects.toThrow(/holds no newer ver .*refusing to loop/);
  });
});
