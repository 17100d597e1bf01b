import { parseRatio, parseYuan } from '../../money.js';
import type { CatalogueEntry, InsuranceClass } from '../entry.js';

/**
 * The 1301 download (西药中成药目录下载): UTF-8, tab-separated, no header, columns by
 * position. Extra trailing columns are tolerated. Positions of the fields the rules use:
 */
export const COLUMNS_1301 = [
  'med_list_codg', 'drug_prodname', 'genname_codg', 'drug_genname', 'drug_dosform', 'drug_spec',
  'prodentp_name', 'aprvno', 'drugstdcode', 'otc_flag', 'chrgitm_lv', 'selfpay_prop',
  'hilist_pric_uplmt_amt', 'overlmt_dspo_way', 'lmt_used_flag', 'lmt_usescp', 'begndate', 'enddate',
  'vali_flag', 'mkt_stas', 'rid', 'ver_num', 'ver_name',
] as const;

export class RowError extends Error {
  constructor(readonly line: number, readonly column: string, message: string) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'RowError';
  }
}

const col = Object.fromEntries(COLUMNS_1301.map((name, i) => [name, i])) as Record<(typeof COLUMNS_1301)[number], number>;

export function parse1301Line(text: string, line: number): CatalogueEntry {
  const f = text.split('\t');
  if (f.length < COLUMNS_1301.length) throw new RowError(line, String(f.length + 1), `expected at least ${COLUMNS_1301.length} columns, found ${f.length}`);
  const get = (name: (typeof COLUMNS_1301)[number]): string => (f[col[name]] ?? '').trim();
  const opt = (name: (typeof COLUMNS_1301)[number]): string | null => {
    const v = get(name);
    return v === '' || v === '无' ? null : v;
  };
  const code = get('med_list_codg');
  if (!/^[XZ][A-Z0-9]{19}([A-Z0-9]{3})?$/.test(code)) throw new RowError(line, 'med_list_codg', `not a national drug code: "${code}"`);
  const lv = get('chrgitm_lv');
  const klass: InsuranceClass | null = lv === '01' ? 'A' : lv === '02' ? 'B' : lv === '03' ? 'C' : lv === '' ? null : fail(line, 'chrgitm_lv', `unknown class "${lv}"`);
  const ratioText = opt('selfpay_prop');
  const selfPayRatio = ratioText === null ? null : parseRatio(ratioText) ?? fail(line, 'selfpay_prop', `not a proportion: "${ratioText}"`);
  const capText = opt('hilist_pric_uplmt_amt');
  const priceCapFen = capText === null ? null : parseYuan(capText) ?? fail(line, 'hilist_pric_uplmt_amt', `not an amount: "${capText}"`);
  const way = opt('overlmt_dspo_way');
  return {
    code,
    name: get('drug_prodname') || fail(line, 'drug_prodname', 'empty'),
    genericName: opt('drug_genname'),
    dosageForm: opt('drug_dosform'),
    spec: opt('drug_spec'),
    manufacturer: opt('prodentp_name'),
    approvalNo: opt('aprvno'),
    standardCode: opt('drugstdcode'),
    insuranceClass: klass,
    selfPayRatio,
    priceCapFen,
    overCapHandling: way === null ? null : way === '1' ? 'self-pay-excess' : way === '2' ? 'refuse' : fail(line, 'overlmt_dspo_way', `unknown handling "${way}"`),
    restricted: get('lmt_used_flag') === '1',
    restrictedScope: opt('lmt_usescp'),
    // otc_flag: 1 OTC, 0 prescription-only.
    prescriptionOnly: get('otc_flag') === '0',
    beginDate: date(opt('begndate'), line, 'begndate'),
    endDate: date(opt('enddate'), line, 'enddate'),
    valid: get('vali_flag') !== '0',
    marketStatus: get('mkt_stas') === '0' ? 'discontinued' : 'listed',
  };
}

function date(v: string | null, line: number, column: string): string | null {
  if (v === null) return null;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(v);
  if (!m) return fail(line, column, `not a date: "${v}"`);
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return fail(line, column, `not a date: "${v}"`);
  return iso;
}

function fail(line: number, column: string, message: string): never {
  throw new RowError(line, column, message);
}
