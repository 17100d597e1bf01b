import type { CatalogueEntry } from '../entry.js';
import { fieldError } from '../import-error.js';
import { insuranceClass, nationalCode, optional } from './fields.js';
import { AS_IS, type StringSink } from './nhsa-1301.js';

/**
 * The provincial workbook 医保药品分类与代码数据库 (sheet 总表), as XLSX or CSV. Columns are
 * found by their Chinese headers, not by position. The last five sit under a merged
 * 国家医保药品目录 heading: either as a second header row (the workbook's own layout) or
 * flattened into one row after the other headers (a CSV export), where 剂型 appears twice.
 */
export const WORKBOOK_SHEET = '总表';
export const WORKBOOK_GROUP = '国家医保药品目录';
export const WORKBOOK_HEADERS = ['药品代码', '注册名称', '注册剂型', '注册规格', '商品名称', '剂型', '规格', '包装材质', '最小包装数量', '最小制剂单位', '最小包装单位', '药品企业', '批准文号', '药品本位码'] as const;
export const WORKBOOK_GROUP_HEADERS = ['甲乙类', '编号', '药品名称', '剂型', '备注'] as const;

type Header = (typeof WORKBOOK_HEADERS)[number] | `${typeof WORKBOOK_GROUP}/${(typeof WORKBOOK_GROUP_HEADERS)[number]}`;

/** Header rows are looked for among the first few rows (a title row may come first). */
export const HEADER_SEARCH_ROWS = 5;

export class WorkbookLayout {
  private constructor(private readonly at: ReadonlyMap<Header, number>, readonly headerRows: number) {}

  /**
   * Reads the layout from the header row and the row after it (which is either the sub-header
   * row or the first data row). Returns undefined when `first` is not the header row.
   */
  static detect(first: string[], second: string[] | undefined): WorkbookLayout | undefined {
    const clean = (cells: string[]) => cells.map((c) => c.replace(/\s+/g, ''));
    const top = clean(first);
    if (!top.includes('药品代码')) return undefined;
    const sub = second ? clean(second) : [];
    const twoRows = sub.includes('甲乙类') && !sub.includes('药品代码');
    const at = new Map<Header, number>();
    if (twoRows) {
      top.forEach((name, i) => {
        if ((WORKBOOK_HEADERS as readonly string[]).includes(name) && !at.has(name as Header)) at.set(name as Header, i);
      });
      sub.forEach((name, i) => {
        if ((WORKBOOK_GROUP_HEADERS as readonly string[]).includes(name)) at.set(`${WORKBOOK_GROUP}/${name}` as Header, i);
      });
    } else {
      const groupStart = top.indexOf('甲乙类');
      top.forEach((name, i) => {
        const key = (groupStart >= 0 && i >= groupStart ? `${WORKBOOK_GROUP}/${name}` : name) as Header;
        if (!at.has(key)) at.set(key, i);
      });
    }
    return new WorkbookLayout(at, twoRows ? 2 : 1);
  }

  /** Headers the file lacks; any missing one means this is not the workbook (or a damaged one). */
  missing(): string[] {
    const wanted: Header[] = [...WORKBOOK_HEADERS, ...WORKBOOK_GROUP_HEADERS.map((h) => `${WORKBOOK_GROUP}/${h}` as Header)];
    return wanted.filter((h) => !this.at.has(h));
  }

  /** Parses one data row. Throws FieldError naming the header. */
  parse(cells: string[], strings: StringSink = AS_IS): CatalogueEntry {
    const get = (h: Header): string | null => strings.intern(optional(cells[this.at.get(h)!]));
    const code = strings.detach(nationalCode(cells[this.at.get('药品代码')!], '药品代码'));
    const registered = get('注册名称');
    const name = get('商品名称') ?? registered ?? fieldError('注册名称', 'no registered or product name');
    const scope = get(`${WORKBOOK_GROUP}/备注`);
    return {
      code,
      name,
      genericName: get(`${WORKBOOK_GROUP}/药品名称`) ?? registered,
      dosageForm: get('剂型') ?? get('注册剂型'),
      spec: get('规格') ?? get('注册规格'),
      manufacturer: get('药品企业'),
      approvalNo: detached(optional(cells[this.at.get('批准文号')!]), strings),
      standardCode: detached(optional(cells[this.at.get('药品本位码')!]), strings),
      insuranceClass: insuranceClass(cells[this.at.get(`${WORKBOOK_GROUP}/甲乙类`)!], `${WORKBOOK_GROUP}/甲乙类`),
      selfPayRatio: null,
      priceCapFen: null,
      overCapHandling: null,
      // The list's 备注 carries the payment restriction (限…) where there is one.
      restricted: scope !== null && scope.includes('限'),
      restrictedScope: scope,
      // The workbook has no OTC flag, no listing dates and no market status.
      prescriptionOnly: false,
      beginDate: null,
      endDate: null,
      valid: true,
      marketStatus: 'listed',
      listVersion: null,
    };
  }
}

function detached(v: string | null, strings: StringSink): string | null {
  return v === null ? null : strings.detach(v);
}

/** Writes sample and test workbooks in the two-row header layout. */
export function workbookHeaderRows(): [string[], string[]] {
  return [
    [...WORKBOOK_HEADERS, WORKBOOK_GROUP, '', '', '', ''],
    [...WORKBOOK_HEADERS.map(() => ''), ...WORKBOOK_GROUP_HEADERS],
  ];
}

/** One entry as a workbook row (无 for none); parse() reads it back. */
export function workbookRow(e: CatalogueEntry, pack: { material: string; count: number; doseUnit: string; unit: string }, listNo = ''): string[] {
  const none = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '无' : v);
  const listed = e.insuranceClass !== null;
  const klass = e.insuranceClass === 'A' ? '甲' : e.insuranceClass === 'B' ? '乙' : e.insuranceClass === 'C' ? '丙' : '无';
  return [
    e.code, e.name, none(e.dosageForm), none(e.spec), '无', none(e.dosageForm), none(e.spec),
    pack.material, String(pack.count), pack.doseUnit, pack.unit,
    none(e.manufacturer), none(e.approvalNo), none(e.standardCode),
    klass, listed ? none(listNo) : '无', listed ? none(e.genericName) : '无', listed ? none(e.dosageForm) : '无', none(e.restrictedScope),
  ];
}
