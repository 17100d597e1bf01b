import type { PaymentPolicy } from '../entry.js';
import { fieldError } from '../import-error.js';
import { parseRatio, parseYuan, type Ratio } from '../../money.js';
import type { HeaderSpec } from './csv-header.js';
import { locateHeaders } from './csv-header.js';
import { nationalCode, optional } from './fields.js';

/**
 * The payment policy the 1301 file does not carry: the class-B self-pay proportion (1319
 * selfpay_prop) and the price cap with its over-cap handling (1318 hilist_pric_uplmt_amt,
 * overlmt_dspo_way), one CSV row per national code, headed by those field names. A policy
 * file is the whole policy: codes it does not list have none.
 *
 * 1319 gives the proportion per person type (selfpay_prop_psn_type: employed, retired, ... with
 * codes that vary by province). A row with that column empty is the code's default; a row with
 * a person type gives only that type's proportion, so its cap columns stay empty.
 */
export const POLICY_HEADERS = {
  hilist_code: { aliases: ['med_list_codg', '医保目录编码'], required: true },
  selfpay_prop: { aliases: ['自付比例'], required: true },
  hilist_pric_uplmt_amt: { aliases: ['支付限价', '最高限价'], required: true },
  overlmt_dspo_way: { aliases: ['超限价处理方式'], required: true },
  selfpay_prop_psn_type: { aliases: ['人员类别'], required: false },
} as const satisfies HeaderSpec<string>;

/** A policy row: the code's default policy, or one person type's self-pay proportion. */
export type PolicyRow =
  | { code: string; personType: null; policy: PaymentPolicy }
  | { code: string; personType: string; selfPayRatio: Ratio };

/** psn_type as the platform's 1101 answer writes it (11 employed, 21 retired, ...: codes vary by province). */
const PERSON_TYPE = /^[0-9A-Za-z]{1,16}$/;

/** overlmt_dspo_way as the simulator and samples write it (varies by province: documented in catalogue/README.md). */
export const OVER_CAP_WAYS = { '1': 'self-pay-excess', '2': 'refuse' } as const;

export class PolicyLayout {
  private constructor(private readonly at: Record<keyof typeof POLICY_HEADERS, number | undefined>) {}

  static fromHeader(header: string[]): PolicyLayout {
    return new PolicyLayout(locateHeaders(header, POLICY_HEADERS));
  }

  parse(cells: string[]): PolicyRow {
    const get = (k: keyof typeof POLICY_HEADERS) => {
      const at = this.at[k];
      return at === undefined ? null : optional(cells[at]);
    };
    const code = nationalCode(cells[this.at.hilist_code!], 'hilist_code');
    const ratio = get('selfpay_prop');
    const cap = get('hilist_pric_uplmt_amt');
    const way = get('overlmt_dspo_way');
    const selfPayRatio = ratio === null ? null : parseRatio(ratio) ?? fieldError('selfpay_prop', `not a proportion from 0 to 1: "${ratio}"`);
    const personType = get('selfpay_prop_psn_type');
    if (personType !== null) {
      if (!PERSON_TYPE.test(personType)) fieldError('selfpay_prop_psn_type', `not a person type code: "${personType}"`);
      if (cap !== null) fieldError('hilist_pric_uplmt_amt', `a person-type row gives only the self-pay proportion: leave the price cap to the code's default row`);
      if (way !== null) fieldError('overlmt_dspo_way', `a person-type row gives only the self-pay proportion: leave the over-cap handling to the code's default row`);
      if (selfPayRatio === null) fieldError('selfpay_prop', `missing the self-pay proportion of person type ${personType}`);
      return { code, personType, selfPayRatio };
    }
    const priceCapFen = cap === null ? null : parseYuan(cap) ?? fieldError('hilist_pric_uplmt_amt', `not an amount in yuan: "${cap}"`);
    const overCapHandling = way === null ? null : OVER_CAP_WAYS[way as keyof typeof OVER_CAP_WAYS] ?? fieldError('overlmt_dspo_way', `unknown handling "${way}" (expected 1 self-pay the excess or 2 refuse)`);
    if (overCapHandling !== null && priceCapFen === null) fieldError('overlmt_dspo_way', 'over-cap handling without a price cap');
    return { code, personType: null, policy: { selfPayRatio, priceCapFen, overCapHandling } };
  }
}
