import type { CatalogueEntry } from '../entry.js';
import { fieldError } from '../import-error.js';
import { date, flag, insuranceClass, nationalCode, optional } from './fields.js';

/**
 * The 1301 download (西药中成药目录下载): UTF-8 text in a zip, one record per line,
 * tab-separated, no header, columns by position. This is the platform's column order (92
 * columns, the national interface specification's 1301 output), as public HIS
 * implementations parse it; later platform releases append columns, which are tolerated.
 * catalogue/README.md documents which columns the service reads.
 */
export const COLUMNS_1301 = [
  'med_list_codg', 'drug_prodname', 'genname_codg', 'drug_genname', 'chemname', 'alis', 'eng_name', 'reg_name',
  'drugstdcode', 'drug_dosform', 'drug_dosform_name', 'drug_type', 'drug_type_name', 'drug_spec', 'drug_spec_code',
  'reg_dosform', 'reg_spec', 'reg_spec_code', 'each_dos', 'used_frqu', 'acdbas', 'nat_drug_no', 'used_mtd',
  'tcmpat_flag', 'prodplac_type', 'prodplac_type_name', 'prcunt_type', 'otc_flag', 'otc_flag_name', 'pacmatl',
  'pacmatl_name', 'pacspec', 'pac_cnt', 'efcc_atd', 'rute', 'manl', 'begndate', 'enddate', 'min_useunt',
  'min_salunt', 'min_unt', 'min_pac_cnt', 'min_pacunt', 'min_prepunt', 'min_pacunt_name', 'min_prepunt_name',
  'convrat', 'drug_expy', 'min_prcunt', 'wubi', 'pinyin', 'subpck_fcty', 'prodentp_code', 'prodentp_name',
  'sp_lmtpric_drug_flag', 'sp_drug_flag', 'lmt_usescp', 'lmt_used_flag', 'drug_regcertno',
  'drug_regcert_begndate', 'drug_regcert_enddate', 'aprvno', 'aprvno_begndate', 'aprvno_enddate', 'mkt_stas',
  'mkt_stas_name', 'drug_reg_appvletr_elecacs', 'splm_appy_appvletr_file', 'nat_hi_druglist_memo',
  'bas_medn_flag_name', 'bas_medn_flag', 'advaltax_adjm_drug_flag', 'advaltax_adjm_drug_name',
  'lstd_druglist_drug', 'hi_nego_drug_flag', 'hi_nego_drug_name', 'nhc_drug_codg', 'memo', 'vali_flag', 'rid',
  'crte_time', 'updt_time', 'ver', 'ver_name', 'chld_medc', 'co_name', 'conseval_drug', 'dstr', 'dstr_coner',
  'dstr_auth_file_elecacs', 'nat_hi_druglist_dosform', 'nat_hi_druglist_chrgitm_lv',
] as const;

export type Column1301 = (typeof COLUMNS_1301)[number];

/** The columns parse1301Fields reads; a reader may leave the others out. */
export const COLUMNS_READ: readonly Column1301[] = [
  'med_list_codg', 'drug_prodname', 'drug_genname', 'reg_name', 'drugstdcode', 'drug_dosform', 'drug_dosform_name', 'drug_spec', 'reg_spec',
  'otc_flag', 'otc_flag_name', 'begndate', 'enddate', 'prodentp_name', 'lmt_usescp', 'lmt_used_flag', 'aprvno', 'mkt_stas', 'mkt_stas_name',
  'vali_flag', 'ver', 'ver_name', 'nat_hi_druglist_chrgitm_lv',
];

/** The columns read that differ from row to row (the others repeat: names, forms, manufacturers, dates, flags). */
export const UNIQUE_1301: readonly Column1301[] = ['med_list_codg', 'drugstdcode', 'aprvno'];

const at = Object.fromEntries(COLUMNS_1301.map((name, i) => [name, i])) as Record<Column1301, number>;

const labels = Object.fromEntries(COLUMNS_1301.map((name, i) => [name, `${name} (column ${i + 1})`])) as Record<Column1301, string>;

/** How errors name a column: the field name and its 1-based position in the line. */
export function column1301(name: Column1301): string {
  return labels[name];
}

/** Where parsed strings go: shared or copied out of the line (see compact.ts); as they are by default. */
export interface StringSink {
  intern(s: string | null): string | null;
  detach(s: string): string;
}

export const AS_IS: StringSink = { intern: (s) => s, detach: (s) => s };

export interface Row1301 {
  entry: CatalogueEntry;
  /** ver_name, the platform's version label. */
  verName: string | null;
}

// Plain functions, not closures made per row: this runs 270,000 times per national import.
const get = (f: readonly (string | undefined)[], name: Column1301): string | null => optional(f[at[name]]);
const shared = (f: readonly (string | undefined)[], name: Column1301, strings: StringSink): string | null => strings.intern(optional(f[at[name]]));
function unique(f: readonly (string | undefined)[], name: Column1301, strings: StringSink): string | null {
  const v = optional(f[at[name]]);
  return v === null ? null : strings.detach(v);
}

/** Parses one line already split on tabs. Throws FieldError naming the column. */
export function parse1301Fields(f: readonly (string | undefined)[], strings: StringSink = AS_IS, columns = f.length): Row1301 {
  if (columns < COLUMNS_1301.length) {
    fieldError(`column ${columns + 1}`, `expected at least ${COLUMNS_1301.length} tab-separated columns, found ${columns}`);
  }
  const code = strings.detach(nationalCode(f[at.med_list_codg], labels.med_list_codg));
  const name = strings.intern(get(f, 'drug_prodname') ?? get(f, 'reg_name') ?? get(f, 'drug_genname') ?? fieldError(labels.drug_prodname, 'no product, registered or generic name'))!;
  const beginDate = strings.intern(date(f[at.begndate], labels.begndate));
  const endDate = strings.intern(date(f[at.enddate], labels.enddate));
  if (beginDate !== null && endDate !== null && endDate < beginDate) fieldError(labels.enddate, `ends (${endDate}) before it begins (${beginDate})`);
  return {
    entry: {
      code,
      name,
      genericName: shared(f, 'drug_genname', strings),
      dosageForm: strings.intern(get(f, 'drug_dosform_name') ?? get(f, 'drug_dosform')),
      spec: strings.intern(get(f, 'drug_spec') ?? get(f, 'reg_spec')),
      manufacturer: shared(f, 'prodentp_name', strings),
      approvalNo: unique(f, 'aprvno', strings),
      standardCode: unique(f, 'drugstdcode', strings),
      insuranceClass: insuranceClass(f[at.nat_hi_druglist_chrgitm_lv], labels.nat_hi_druglist_chrgitm_lv),
      selfPayRatio: null,
      priceCapFen: null,
      overCapHandling: null,
      restricted: flag(f[at.lmt_used_flag], labels.lmt_used_flag, false),
      restrictedScope: shared(f, 'lmt_usescp', strings),
      prescriptionOnly: prescriptionOnly(get(f, 'otc_flag'), get(f, 'otc_flag_name')),
      beginDate,
      endDate,
      valid: flag(f[at.vali_flag], labels.vali_flag, true),
      marketStatus: discontinued(get(f, 'mkt_stas'), get(f, 'mkt_stas_name')) ? 'discontinued' : 'listed',
      listVersion: shared(f, 'ver', strings),
    },
    verName: get(f, 'ver_name'),
  };
}

/**
 * otc_flag: 0 prescription drug, 1 (and the provinces' 2/3 for class A/B OTC) over the
 * counter. The name column wins when present. Unknown stays not prescription-only.
 */
function prescriptionOnly(flagValue: string | null, name: string | null): boolean {
  if (name !== null) {
    if (name.includes('非处方')) return false;
    if (name.includes('处方')) return true;
  }
  return flagValue === '0';
}

/** mkt_stas: 0 or a name saying stopped/withdrawn (停/撤/退/注销) is off the market. */
function discontinued(code: string | null, name: string | null): boolean {
  if (name !== null) return /停|撤|退|注销|禁/.test(name);
  return code === '0';
}

/**
 * Writes an entry as a 1301 line: the sample files, the national-size generator and the
 * platform simulator produce the same bytes the platform does.
 */
export function format1301Line(e: CatalogueEntry, extra: { rid?: string; verName?: string; genericCode?: string; more?: Partial<Record<Column1301, string>> } = {}): string {
  const f: string[] = new Array<string>(COLUMNS_1301.length).fill('');
  for (const [name, v] of Object.entries(extra.more ?? {})) f[at[name as Column1301]] = v ?? '';
  const set = (name: Column1301, v: string | null | undefined) => {
    f[at[name]] = v ?? '';
  };
  set('med_list_codg', e.code);
  set('drug_prodname', e.name);
  set('genname_codg', extra.genericCode ?? e.code.slice(0, 11));
  set('drug_genname', e.genericName);
  set('reg_name', e.name);
  set('drugstdcode', e.standardCode);
  set('drug_dosform_name', e.dosageForm);
  set('drug_spec', e.spec);
  set('otc_flag', e.prescriptionOnly ? '0' : '1');
  set('otc_flag_name', e.prescriptionOnly ? '处方药' : '非处方药');
  set('begndate', e.beginDate);
  set('enddate', e.endDate);
  set('prodentp_name', e.manufacturer);
  set('lmt_usescp', e.restrictedScope);
  set('lmt_used_flag', e.restricted ? '1' : '0');
  set('aprvno', e.approvalNo);
  set('mkt_stas', e.marketStatus === 'listed' ? '1' : '0');
  set('mkt_stas_name', e.marketStatus === 'listed' ? '上市' : '停止上市');
  set('vali_flag', e.valid ? '1' : '0');
  set('rid', extra.rid);
  set('ver', e.listVersion);
  set('ver_name', extra.verName);
  set('nat_hi_druglist_chrgitm_lv', e.insuranceClass === 'A' ? '甲类' : e.insuranceClass === 'B' ? '乙类' : e.insuranceClass === 'C' ? '丙类' : '');
  return f.join('\t');
}
