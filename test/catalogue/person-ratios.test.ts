import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sample1301Text } from '../../catalogue/make-samples.js';
import { expectRejected, sample, tempCatalogue, type TempCatalogue } from './helpers.js';

/** Class-B self-pay proportions per person type (1319 selfpay_prop_psn_type) in the payment-policy file. */
let t: TempCatalogue;
beforeEach(async () => {
  t = tempCatalogue(3);
  await t.catalogue.importFile(sample('sample-1301.zip'));
});
afterEach(() => t.close());

const STATIN = 'XC10AAA058A001010100123';
const FLU = 'ZA04BAL0235010102006';
const HEAD = 'hilist_code,selfpay_prop,hilist_pric_uplmt_amt,overlmt_dspo_way,selfpay_prop_psn_type\n';
const ratioOf = (code: string, personType: string | null) => t.catalogue.index.selfPayRatio(t.catalogue.index.get(code)!, personType);
const stored = (versionId: number) => t.store.sqlite.prepare('SELECT code, psn_type AS psnType, self_pay_ratio AS ratio FROM catalogue_person_ratios WHERE version_id = ? ORDER BY code, psn_type').all(versionId);

describe('person-type rows in the payment-policy file', () => {
  it('the sample gives retirees (21) a smaller class-B share of the statin; others keep the default', async () => {
    const { version } = await t.catalogue.importFile(sample('sample-payment-policy.csv'));
    expect(stored(version.id)).toEqual([{ code: STATIN, psnType: '21', ratio: 500 }]);
    expect(t.catalogue.index.get(STATIN)).toMatchObject({ selfPayRatio: 1000, priceCapFen: 3000, overCapHandling: 'self-pay-excess' });
    expect(ratioOf(STATIN, '21')).toBe(500);
    expect(ratioOf(STATIN, '11')).toBe(1000);
    expect(ratioOf(STATIN, null)).toBe(1000);
    expect(ratioOf(FLU, '21')).toBe(500);
  });

  it('the Chinese header 人员类别; a person-type row for a code without a default row leaves the default without a proportion', async () => {
    await t.catalogue.importFile(t.file('p.csv', `医保目录编码,自付比例,支付限价,超限价处理方式,人员类别\n${FLU},0.2,,,\n${STATIN},0.03,,,21\n${STATIN},0.08,,,11\n`));
    expect(t.catalogue.index.get(STATIN)).toMatchObject({ selfPayRatio: null, priceCapFen: null, overCapHandling: null });
    expect(ratioOf(STATIN, '21')).toBe(300);
    expect(ratioOf(STATIN, '11')).toBe(800);
    expect(ratioOf(STATIN, '41')).toBeNull();
    expect(t.catalogue.index.version?.rowCount).toBe(3);
  });

  it('a file without the column imports as before', async () => {
    await t.catalogue.importFile(t.file('p.csv', 'hilist_code,selfpay_prop,hilist_pric_uplmt_amt,overlmt_dspo_way\nXC10AAA058A001010100123,0.15,,\n'));
    expect(ratioOf(STATIN, '21')).toBe(1500);
  });

  it('refuses a cap on a person-type row, a duplicate code and type, a bad proportion or type, naming line and field', async () => {
    await expectRejected(t, t.file('p1.csv', `${HEAD}${STATIN},0.1,30,1,\n${STATIN},0.05,30,,21\n`), { line: 3, column: 'hilist_pric_uplmt_amt' }, /person-type row gives only the self-pay proportion/);
    await expectRejected(t, t.file('p2.csv', `${HEAD}${STATIN},0.05,,1,21\n`), { line: 2, column: 'overlmt_dspo_way' }, /person-type row gives only the self-pay proportion/);
    await expectRejected(t, t.file('p3.csv', `${HEAD}${STATIN},0.1,30,1,\n${STATIN},0.05,,,21\n${FLU},0.05,,,21\n${STATIN},0.04,,,21\n`), { line: 5, column: 'selfpay_prop_psn_type' }, /duplicate person type 21 for code XC10AAA058A001010100123 \(first at line 3\)/);
    await expectRejected(t, t.file('p4.csv', `${HEAD}${STATIN},1.05,,,21\n`), { line: 2, column: 'selfpay_prop' }, /not a proportion from 0 to 1: "1.05"/);
    await expectRejected(t, t.file('p5.csv', `${HEAD}${STATIN},,,,21\n`), { line: 2, column: 'selfpay_prop' }, /missing the self-pay proportion of person type 21/);
    await expectRejected(t, t.file('p6.csv', `${HEAD}${STATIN},0.05,,,"2 1"\n`), { line: 2, column: 'selfpay_prop_psn_type' }, /not a person type code/);
    await expectRejected(t, t.file('p7.csv', `${HEAD}XZ99ZZZ999Z999999999999,0.05,,,21\n`), { line: 2, column: 'hilist_code' }, /not in the active catalogue/);
    // The same code twice as default rows is still the old error, with a person-type row between them.
    await expectRejected(t, t.file('p8.csv', `${HEAD}${STATIN},0.1,,,\n${STATIN},0.05,,,21\n${STATIN},0.1,,,\n`), { line: 4, column: 'hilist_code' }, /duplicate code .* \(first at line 2\)/);
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM catalogue_person_ratios').get()).toEqual({ n: 0 });
  });
});

describe('person ratios across versions', () => {
  it('a 1301 or workbook import carries them to the new version, for the codes it still lists', async () => {
    await t.catalogue.importFile(t.file('p.csv', `${HEAD}${STATIN},0.1,30,1,\n${STATIN},0.05,,,21\n${FLU},0.02,,,21\n`));
    const next = await t.catalogue.importFile(sample('sample-workbook.xlsx'));
    expect(stored(next.version.id)).toEqual([{ code: STATIN, psnType: '21', ratio: 500 }, { code: FLU, psnType: '21', ratio: 200 }].sort((a, b) => a.code.localeCompare(b.code)));
    expect(ratioOf(STATIN, '21')).toBe(500);
    // A 1301 file without the flu capsule: its ratio is not carried.
    const without = sample1301Text().split('\n').filter((l) => !l.includes(FLU)).join('\n');
    const last = await t.catalogue.importFile(t.zip('no-flu.zip', without));
    expect(stored(last.version.id)).toEqual([{ code: STATIN, psnType: '21', ratio: 500 }]);
    expect(ratioOf(STATIN, '21')).toBe(500);
    expect(t.reopen().index.selfPayRatio(t.catalogue.index.get(STATIN)!, '21')).toBe(500);
  });

  it('a new policy file replaces them: a type it drops is gone', async () => {
    await t.catalogue.importFile(t.file('p1.csv', `${HEAD}${STATIN},0.1,,,\n${STATIN},0.05,,,21\n${STATIN},0.08,,,11\n`));
    expect(ratioOf(STATIN, '11')).toBe(800);
    const { version } = await t.catalogue.importFile(t.file('p2.csv', `${HEAD}${STATIN},0.1,,,\n${STATIN},0.06,,,21\n`));
    expect(stored(version.id)).toEqual([{ code: STATIN, psnType: '21', ratio: 600 }]);
    expect(ratioOf(STATIN, '21')).toBe(600);
    expect(ratioOf(STATIN, '11')).toBe(1000);
  });

  it('rollback brings back the previous version\'s ratios; pruning and a crash leftover delete their rows', async () => {
    const first = await t.catalogue.importFile(t.file('p1.csv', `${HEAD}${STATIN},0.1,,,\n${STATIN},0.05,,,21\n`));
    await t.catalogue.importFile(t.file('p2.csv', `${HEAD}${STATIN},0.1,,,\n`));
    expect(ratioOf(STATIN, '21')).toBe(1000);
    await t.catalogue.rollback();
    expect(t.catalogue.index.version?.id).toBe(first.version.id);
    expect(ratioOf(STATIN, '21')).toBe(500);
    expect(t.reopen().index.selfPayRatio(t.catalogue.index.get(STATIN)!, '21')).toBe(500);
    // Three versions kept: two more imports prune the one with the ratios.
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-1301.zip'));
    expect(t.catalogue.versions('catalogue').find((v) => v.id === first.version.id)?.status).toBe('pruned');
    expect(stored(first.version.id)).toEqual([]);
    // A staged version left by a crash: the next start removes its ratios with it.
    const sqlite = t.store.sqlite;
    const { lastInsertRowid } = sqlite.prepare(`INSERT INTO catalogue_versions (kind, format, source, row_count, checksum, imported_at, status) VALUES ('catalogue', 'policy', 'x', 0, '', '', 'staging')`).run();
    sqlite.prepare(`INSERT INTO catalogue_person_ratios (version_id, code, psn_type, self_pay_ratio) VALUES (?, ?, '21', 1)`).run(lastInsertRowid, STATIN);
    t.reopen();
    expect(stored(Number(lastInsertRowid))).toEqual([]);
  });

  it('a diff between policy versions shows a changed person-type proportion, alone or beside other changes', async () => {
    const first = (await t.catalogue.importFile(sample('sample-payment-policy.csv'))).version.id;
    const policy = readFileSync(sample('sample-payment-policy.csv'), 'utf8');
    // Only the retirees' share of the statin changes.
    const second = (await t.catalogue.importFile(t.file('p2.csv', policy.replace(`${STATIN},阿托伐他汀钙片,0.0500,,,21`, `${STATIN},阿托伐他汀钙片,0.0300,,,21`)))).version.id;
    expect(t.catalogue.diff(first, second).changed).toEqual([
      { code: STATIN, name: '阿托伐他汀钙片', changes: { selfPayRatioByPersonType: { from: { 21: 500 }, to: { 21: 300 } } } },
    ]);
    // Dropped, beside a change of the default.
    const third = (await t.catalogue.importFile(t.file('p3.csv', `${HEAD}${STATIN},0.2,30.00,1,\n`))).version.id;
    const change = t.catalogue.diff(second, third).changed.find((c) => c.code === STATIN);
    expect(change?.changes).toMatchObject({ selfPayRatio: { from: 1000, to: 2000 }, selfPayRatioByPersonType: { from: { 21: 300 }, to: {} } });
    // The same versions the other way round, and no change at all between a version and itself.
    expect(t.catalogue.diff(third, second).changed.find((c) => c.code === STATIN)?.changes.selfPayRatioByPersonType).toEqual({ from: {}, to: { 21: 300 } });
    expect(t.catalogue.diff(second, second).changed).toEqual([]);
  });
});
