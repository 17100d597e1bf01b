import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CatalogueCli } from '../../src/catalogue/cli.js';
import { sample, tempCatalogue, type TempCatalogue } from './helpers.js';

let t: TempCatalogue;
let out: string[];
let progress: string[];
let cli: CatalogueCli;
beforeEach(async () => {
  t = tempCatalogue();
  out = [];
  progress = [];
  cli = new CatalogueCli(t.catalogue, (l) => out.push(l), { write: (chunk: string) => progress.push(chunk) > 0 });
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  t.close();
});

describe('the catalogue command', () => {
  it('shows progress off a terminal as one line per tenth read (a journal or a pipe gets no bar)', async () => {
    await cli.sync(async (onProgress) => {
      for (let done = 0; done <= 4_000_000; done += 250_000) onProgress(done, 4_000_000);
      return null;
    });
    expect(progress).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `importing the platform download: ${p}% of 4 MB read\n`));
    progress.length = 0;
    expect(await cli.import(sample('sample-1301.zip'))).toBe(0);
    expect(progress).toEqual([expect.stringMatching(/^importing sample-1301\.zip: 100% of \d+ KB read\n$/)]);
  });

  it('import, versions, diff, show, search, rollback', async () => {
    expect(await cli.import(sample('sample-1301.zip'))).toBe(0);
    expect(await cli.import(sample('sample-payment-policy.csv'))).toBe(0);
    expect(await cli.import(sample('sample-item-mapping.csv'), 'mapping')).toBe(0);
    expect(out[0]).toMatch(/^imported \* 1 {2}catalogue\/1301 {2}sample-1301\.zip {2}15 rows, 15 entries, sha256 [0-9a-f]{12} .* ver 20260201$/);
    out.length = 0;
    cli.versions();
    expect(out.map((l) => l.slice(0, 24))).toEqual(['* 3  mapping/mapping  sa', '* 2  catalogue/policy  s', '  1  catalogue/1301  sam']);
    out.length = 0;
    cli.diff('1', '2');
    expect(out).toContain('~ XC10AAA058A001010100123 阿托伐他汀钙片: selfPayRatio - -> 0.1000, priceCapFen - -> 30.00, overCapHandling - -> self-pay-excess, selfPayRatioByPersonType - -> 21:0.0500');
    expect(out.at(-1)).toBe('version 1 -> 2: 0 added, 0 removed, 6 changed');
    out.length = 0;
    expect(cli.show('6903456789014')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ code: 'XC10AAA058A001010100123', priceCap: '30.00' });
    expect(cli.show('nothing')).toBe(1);
    out.length = 0;
    expect(cli.search('奥美拉唑')).toBe(0);
    expect(out).toHaveLength(1);
    out.length = 0;
    expect(await cli.rollback(undefined)).toBe(0);
    expect(out[0]).toMatch(/^rolled back: \* 1 /);
    await expect(cli.rollback('everything')).rejects.toThrow(/catalogue or mapping/);
    expect(() => cli.diff('one', '2')).toThrow(/not a version number/);
  });
});
