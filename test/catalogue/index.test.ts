import { describe, expect, it } from 'vitest';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import { CatalogueIndex } from '../../src/catalogue/index.js';
import { StringTable } from '../../src/catalogue/compact.js';

const version = { id: 1, format: '1301', source: 's', label: null, rowCount: 15, checksum: 'x', importedAt: 't' };
const index = new CatalogueIndex(version, SAMPLE_ROWS.map((r) => r.entry), [{ localCode: 'L1', barcode: '6901234567892', code: 'XN02BEA011A001010100201' }]);

describe('the in-memory index', () => {
  it('resolves codes, barcodes and local codes without I/O', () => {
    expect(index.loaded).toBe(true);
    expect(index.size).toBe(15);
    expect(index.resolve({ code: 'X' })).toBe('X');
    expect(index.resolve({ barcode: '6901234567892' })).toBe('XN02BEA011A001010100201');
    expect(index.resolve({ localCode: 'L1' })).toBe('XN02BEA011A001010100201');
    expect(index.resolve({ localCode: 'L2' })).toBeUndefined();
    expect(index.get('XN02BEA011A001010100201')?.name).toBe('对乙酰氨基酚片');
  });

  it('searches product and generic names by substring, exact code first, within the limit', () => {
    expect(index.search('氯', 50).map((e) => e.name)).toEqual(['地喹氯铵含片', '地喹氯铵含片', '地喹氯铵含片', '氯吡格雷片', '氯雷他定片']);
    expect(index.search('地喹氯铵', 2)).toHaveLength(2);
    expect(index.search('门冬维甘', 5).map((e) => e.code)).toEqual(['XS01XAX101G010010100999']);
    expect(index.search('xm01aeb015a001010100345', 5)[0]?.name).toBe('布洛芬缓释胶囊');
    expect(index.search('  ', 5)).toEqual([]);
    expect(index.search('不存在的药', 5)).toEqual([]);
    // A name and the next entry's name never join into a false match.
    expect(index.search('片地', 5)).toEqual([]);
  });

  it('an empty index is not loaded', () => {
    expect(new CatalogueIndex(null, []).loaded).toBe(false);
  });

  it('the string table shares repeated values and copies unique ones out of their source', () => {
    const strings = new StringTable();
    const line = 'x'.repeat(40) + '\t汕头经济特区明治医药有限公司';
    const [a, b] = [line.split('\t')[1]!, line.split('\t')[1]!];
    expect(strings.intern(a)).toBe(strings.intern(b));
    expect(strings.intern(null)).toBeNull();
    expect(strings.detach(a)).toBe(a);
  });
});
