import type { PaymentPolicy } from '../entry.js';
import { fieldError } from '../import-error.js';
import { parseRatio, parseYuan } from '../../money.js';
import type { HeaderSpec } from './csv-header.js';
import { locateHeaders } from './csv-header.js';
import { nationalCode, optional } from './fields.js';

/**
 * The payment policy the 1301 file does not carry: the class-B self-pay proportion (1319
 * selfpay_prop) and the price cap with its over-cap handling (1318 hilist_pric_uplmt_amt,
 * overlmt_dspo_way), one CSV row per national code, headed by those field names. A policy
 * file is the whole policy: codes it does not list have none.
 */
export const POLICY_HEADERS = {
  hilist_code: { aliases: ['med_list_codg', '医保目录编码'], required: true },
  selfpay_prop: { aliases: ['自付比例'], required: true },
  hilist_pric_uplmt_amt: { aliases: ['支付限价', '最高限价'], required: true },
  overlmt_dspo_way: { aliases: ['超限价处理方式'], required: true },
} as const satisfies HeaderSpec<string>;

/** overlmt_dspo_way as the simulator and samples write it (varies by province: documented in catalogue/README.md). */
export const OVER_CAP_WAYS = { '1': 'self-pay-excess', '2': 'refuse' } as const;

export class PolicyLayout {
  private constructor(private readonly at: Record<keyof typeof POLICY_HEADERS, number | undefined>) {}

  static fromHeader(header: string[]): PolicyLayout {
    return new PolicyLayout(locateHeaders(header, POLICY_HEADERS));
  }

  parse(cells: string[]): { code: string; policy: PaymentPolicy } {
    const get = (k: keyof typeof POLICY_HEADERS) => optional(cells[this.at[k]!]);
    const code = nationalCode(cells[this.at.hilist_code!], 'hilist_code');
    const ratio = get('selfpay_prop');
    const cap = get('hilist_pric_uplmt_amt');
    const way = get('overlmt_dspo_way');
    const selfPayRatio = ratio === null ? null : parseRatio(ratio) ?? fieldError('selfpay_prop', `not a proportion from 0 to 1: "${ratio}"`);
    const priceCapFen = cap === null ? null : parseYuan(cap) ?? fieldError('hilist_pric_uplmt_amt', `not an amount in yuan: "${cap}"`);
    const overCapHandling = way === null ? null : OVER_CAP_WAYS[way as keyof typeof OVER_CAP_WAYS] ?? fieldError('overlmt_dspo_way', `unknown handling "${way}" (expected 1 self-pay the excess or 2 refuse)`);
    if (overCapHandling !== null && priceCapFen === null) fieldError('overlmt_dspo_way', 'over-cap handling without a price cap');
    return { code, policy: { selfPayRatio, priceCapFen, overCapHandling } };
  }
}
