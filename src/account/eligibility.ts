import { parseYuan, type Fen } from '../money.js';
import { reason, type Reason, type ReasonCode } from '../reasons.js';
import { PlatformFault } from './client.js';
import type { InsuInfoRow, PersonInfo } from './tx/1101-person-info.js';

export interface AccountStatus {
  /** True when insurance may pay: an insured row in status 1 and a usable card. */
  eligible: boolean;
  /** Card and account reasons, errors first. */
  reasons: Reason[];
  /** Back-office card state when the query was by card (0 未启用, 1 正常, 2 挂失, 7 作废, 8 预挂失, 9 注销). */
  cardState: string | null;
  /** The platform's person number (人员编号), needed by settlement; personal data, never logged. */
  psnNo: string;
  /** The insurance row that decides, or null when not insured (no row, or only status 0). */
  insurance: {
    /** insutype: 310 employee basic, 390 urban-rural resident ... */
    type: string;
    /** psn_insu_stas of the deciding row (0 means no row: not insured). */
    status: Exclude<InsuranceStatus, '0'>;
    /** Personal account balance (balc). */
    balanceFen: Fen;
    /** paus_insu_date when suspended. */
    suspendedSince: string | null;
    /** insuplc_admdvs: where the person is insured. */
    insuredPlace: string | null;
    /** psn_type of the deciding row (11 employed, 21 retired, ...: codes vary by province); the class-B share may depend on it. */
    personType: string | null;
  } | null;
}

/** psn_insu_stas: 0 not insured, 1 normal, 2 suspended (arrears), 4 terminated; there is no 3. */
export type InsuranceStatus = '0' | '1' | '2' | '4';

const CARD_STATE_REASONS: Record<string, ReasonCode | null> = {
  '0': 'CARD_NOT_ACTIVATED',
  '1': null,
  '2': 'CARD_REPORTED_LOST',
  '8': 'CARD_REPORTED_LOST',
  '7': 'CARD_CANCELLED',
  '9': 'CARD_CANCELLED',
};

/** When no row is in status 1, the row that best explains why: suspension is recoverable, so it is named first. */
const EXPLAIN_ORDER: InsuranceStatus[] = ['2', '4', '0'];
const STATUS_REASONS: Record<Exclude<InsuranceStatus, '1'>, ReasonCode> = { '0': 'NOT_INSURED', '2': 'ACCOUNT_SUSPENDED', '4': 'ACCOUNT_TERMINATED' };
/** The employee scheme carries the personal account, so it pays first when a person holds several. */
const PREFERRED_INSUTYPE = '310';

/**
 * Maps a 1101 answer to eligibility. Of several insuinfo rows the one in status 1 decides;
 * without one, the worst-but-explainable row says why not. Anything the mapping does not know
 * (a new status or card state, a balance that is not an amount) is PLATFORM_ERROR: the
 * service fails closed rather than guessing "not insured".
 */
export function eligibilityOf(info: PersonInfo): AccountStatus {
  const reasons: Reason[] = [];
  const cardState = info.cardinfo?.card_stas ?? null;
  if (cardState !== null) {
    const code = CARD_STATE_REASONS[cardState];
    if (code === undefined) throw unexpected(`unknown card_stas ${cardState}`);
    if (code) reasons.push(reason(code, { cardState }));
  }

  const row = decidingRow(info.insuinfo);
  let insurance: AccountStatus['insurance'] = null;
  if (!row || row.psn_insu_stas === '0') {
    reasons.push(reason('NOT_INSURED'));
  } else {
    const status = row.psn_insu_stas as Exclude<InsuranceStatus, '0'>;
    const balanceFen = parseYuan(String(row.balc));
    if (balanceFen === undefined) throw unexpected(`balc is not an amount: ${String(row.balc)}`);
    insurance = { type: row.insutype, status, balanceFen, suspendedSince: row.paus_insu_date || null, insuredPlace: row.insuplc_admdvs || null, personType: row.psn_type?.trim() || null };
    if (status !== '1') {
      const detail: Record<string, unknown> = { insuranceType: row.insutype };
      if (status === '2' && row.paus_insu_date) detail['since'] = row.paus_insu_date;
      reasons.push(reason(STATUS_REASONS[status], detail));
    }
  }
  return { eligible: !reasons.some((r) => r.severity === 'error'), reasons, cardState, psnNo: info.baseinfo.psn_no, insurance };
}

function decidingRow(rows: InsuInfoRow[]): InsuInfoRow | undefined {
  let normal: InsuInfoRow | undefined;
  for (const row of rows) {
    if (row.psn_insu_stas !== '1') continue;
    if (row.insutype === PREFERRED_INSUTYPE) return row;
    normal ??= row;
  }
  if (normal) return normal;
  const unknown = rows.find((r) => !(r.psn_insu_stas in STATUS_REASONS));
  if (unknown) throw unexpected(`unknown psn_insu_stas ${unknown.psn_insu_stas}`);
  for (const status of EXPLAIN_ORDER) {
    const row = rows.find((r) => r.psn_insu_stas === status);
    if (row) return row;
  }
  return undefined;
}

function unexpected(message: string): PlatformFault {
  return new PlatformFault('PLATFORM_ERROR', { infno: '1101', cause: 'unexpected-answer', message }, false);
}
