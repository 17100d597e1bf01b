import { fieldError } from '../import-error.js';
import type { HeaderSpec } from './csv-header.js';
import { locateHeaders } from './csv-header.js';
import { nationalCode, optional } from './fields.js';

/** The pharmacy's item mapping (目录对照) CSV: local item code and/or barcode -> med_list_codg. */
export const MAPPING_HEADERS = {
  local_code: { aliases: ['本地编码', '药店编码', '商品编码'], required: true },
  barcode: { aliases: ['条形码', '条码', '商品条码'], required: true },
  med_list_codg: { aliases: ['医保目录编码', '医疗目录编码', '国家医保编码'], required: true },
  local_name: { aliases: ['本地名称', '商品名称'], required: false },
} as const satisfies HeaderSpec<string>;

export interface MappingRow {
  localCode: string | null;
  barcode: string | null;
  code: string;
  localName: string | null;
}

export class MappingLayout {
  private constructor(private readonly at: Record<keyof typeof MAPPING_HEADERS, number | undefined>) {}

  static fromHeader(header: string[]): MappingLayout {
    return new MappingLayout(locateHeaders(header, MAPPING_HEADERS));
  }

  parse(cells: string[]): MappingRow {
    const get = (k: keyof typeof MAPPING_HEADERS) => {
      const i = this.at[k];
      return i === undefined ? null : optional(cells[i]);
    };
    const localCode = get('local_code');
    const barcode = get('barcode');
    if (localCode === null && barcode === null) fieldError('local_code', 'a row needs a local code or a barcode');
    if (localCode !== null && !/^[\x21-\x7e]{1,64}$/.test(localCode)) fieldError('local_code', `not a local item code: "${localCode}"`);
    if (barcode !== null) checkBarcode(barcode);
    return { localCode, barcode, code: nationalCode(cells[this.at.med_list_codg!], 'med_list_codg'), localName: get('local_name') };
  }
}

/** Barcodes are free-form store codes, but a numeric GTIN (EAN-8/UPC/EAN-13/GTIN-14) must carry a valid check digit. */
function checkBarcode(barcode: string): void {
  if (!/^[\x21-\x7e]{1,48}$/.test(barcode)) fieldError('barcode', `not a barcode: "${barcode}"`);
  if (/^\d+$/.test(barcode) && [8, 12, 13, 14].includes(barcode.length) && gtinCheckDigit(barcode.slice(0, -1)) !== Number(barcode.at(-1))) {
    fieldError('barcode', `check digit wrong in ${barcode} (expected ${gtinCheckDigit(barcode.slice(0, -1))})`);
  }
}

/** GS1 check digit of the digits before it. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}
