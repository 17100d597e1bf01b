import { parseYuan, type Fen } from '../money.js';
import { reason, ServiceFault, type Reason } from '../reasons.js';
import type { PersonInfo } from './tx/1101-person-info.js';

export interface AccountStatus {
  eligible: boolean;
  reasons: Reason[];
  /** Back-office card state code when the platform gave one (0 未启用, 1 正常, 2 挂失, 7 作废, 8 预挂失, 9 注销). */
  cardState: string | null;
  psnNo: string;
  insurance: {
    /** 310 employee, 390 resident ... */
    type: string;
    /** psn_insu_stas */
    status: string;
    balanceFen: Fen;
    suspendedSince: string | null;
  } | null;
}

const CARD_STATE_REASONS: Record<string, Reason['code']> = { '0': 'CARD_NOT_ACTIVATED', '2': 'CARD_REPORTED_LOST', '8': 'CARD_REPORTED_LOST', '7': 'CARD_CANCELLED', '9': 'CARD_CANCELLED' };

/** Maps a 1101 answer to eligibility: the row with status 1 wins; otherwise the worst status explains why not. */
export function eligibilityOf(info: PersonInfo): AccountStatus {
  const reasons: Reason[] = [];
  const cardState = info.cardinfo?.card_stas ?? null;
  const cardCode = cardState ? CARD_STATE_REASONS[cardState] : undefined;
  if (cardCode) reasons.push(reason(cardCode, { cardState }));

  const rows = info.insuinfo;
  const row = rows.find((r) => r.psn_insu_stas === '1') ?? rows.find((r) => r.psn_insu_stas === '2') ?? rows.find((r) => r.psn_insu_stas === '4') ?? rows[0];
  let insurance: AccountStatus['insurance'] = null;
  if (!row || row.psn_insu_stas === '0') {
    reasons.push(reason('NOT_INSURED'));
  } else {
    const balanceFen = parseYuan(String(row.balc));
    if (balanceFen === undefined) throw new ServiceFault('PLATFORM_ERROR', { infno: '1101', message: 'balc is not an amount' });
    insurance = { type: row.insutype, status: row.psn_insu_stas, balanceFen, suspendedSince: row.paus_insu_date ?? null };
    if (row.psn_insu_stas === '2') reasons.push(reason('ACCOUNT_SUSPENDED', row.paus_insu_date ? { since: row.paus_insu_date } : undefined));
    else if (row.psn_insu_stas === '4') reasons.push(reason('ACCOUNT_TERMINATED'));
    else if (row.psn_insu_stas !== '1') throw new ServiceFault('PLATFORM_ERROR', { infno: '1101', message: `unknown psn_insu_stas ${row.psn_insu_stas}` });
  }
  return { eligible: !reasons.some((r) => r.severity === 'error'), reasons, cardState, psnNo: info.baseinfo.psn_no, insurance };
}
