import { Type, type Static, type TSchema } from 'typebox';
import type { CardIdentity } from '../../card/types.js';
import { ServiceFault } from '../../reasons.js';
import { PlatformFault, type PlatformClient } from '../client.js';
import { GENERIC_FAILURE } from '../envelope.js';
import type { PlatformTransaction } from '../transaction.js';

const Nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** 1101 人员信息获取 output, validated at the edge; unknown extra fields are tolerated. */
const InsuInfo = Type.Object({
  /** Personal account balance in yuan. */
  balc: Type.Union([Type.String(), Type.Number()]),
  /** 310 employee basic, 390 urban-rural resident ... */
  insutype: Type.String(),
  psn_type: Nullable(Type.String()),
  /** 0 not insured, 1 normal, 2 suspended, 4 terminated. */
  psn_insu_stas: Type.String(),
  psn_insu_date: Nullable(Type.String()),
  /** Set when status 2 came from arrears. */
  paus_insu_date: Nullable(Type.String()),
  cvlserv_flag: Nullable(Type.String()),
  insuplc_admdvs: Nullable(Type.String()),
  emp_name: Nullable(Type.String()),
});
const Output1101 = Type.Object({
  baseinfo: Type.Object({
    psn_no: Type.String({ minLength: 1 }),
    psn_cert_type: Nullable(Type.String()),
    certno: Nullable(Type.String()),
    psn_name: Nullable(Type.String()),
  }),
  insuinfo: Type.Array(InsuInfo),
  idetinfo: Nullable(Type.Array(Type.Unknown())),
  /**
   * Province extension (documented in docs/platform.md): the card's back-office state when
   * the query was by card. 0 未启用, 1 正常, 2 挂失, 7 作废, 8 预挂失, 9 注销.
   */
  cardinfo: Nullable(Type.Object({ card_sn: Nullable(Type.String()), card_stas: Type.String() })),
});
export type PersonInfo = Static<typeof Output1101>;
export type InsuInfoRow = Static<typeof InsuInfo>;

export const PERSON_INFO = { infno: '1101', name: '人员信息获取', idempotent: true, output: Output1101 } satisfies PlatformTransaction<TSchema>;

/** The three ways a person presents at the counter (mdtrt_cert_type 03, 02, 01). */
export type PersonCredential =
  | { kind: 'card'; cardNumber: string; cardSn: string; idNumber: string; name: string; regionCode: string }
  | { kind: 'id-number'; idNumber: string; name?: string }
  | { kind: 'ec-token'; token: string };

export function cardCredential(card: CardIdentity): PersonCredential {
  return { kind: 'card', cardNumber: card.cardNumber, cardSn: card.cardId, idNumber: card.idNumber, name: card.name, regionCode: card.regionCode };
}

export function personInfoInput(c: PersonCredential): Record<string, unknown> {
  switch (c.kind) {
    case 'card':
      return { data: { mdtrt_cert_type: '03', mdtrt_cert_no: c.cardNumber, card_sn: c.cardSn, begntime: '', psn_cert_type: '01', certno: c.idNumber, psn_name: c.name } };
    case 'id-number':
      return { data: { mdtrt_cert_type: '02', mdtrt_cert_no: c.idNumber, card_sn: '', begntime: '', psn_cert_type: '01', certno: c.idNumber, psn_name: c.name ?? '' } };
    case 'ec-token':
      return { data: { mdtrt_cert_type: '01', mdtrt_cert_no: c.token, card_sn: '', begntime: '', psn_cert_type: '', certno: '', psn_name: '' } };
  }
}

/** Queries 1101; the card's issuing region is the insured place when the query is by card. */
export function queryPerson(client: PlatformClient, c: PersonCredential): Promise<PersonInfo> {
  return client.call(PERSON_INFO, personInfoInput(c), c.kind === 'card' ? c.regionCode : '');
}

const NO_SUCH_PERSON = /未查询到|查无|不存在|no such person|not found/i;
const VOUCHER = /凭证|ec_?token|voucher/i;
const VOUCHER_NO_GOOD = /无效|过期|失效|invalid|expired/i;

/** Infcodes by which a province's gateway gives these refusals codes of their own (PLATFORM_PERSON_NOT_FOUND_INFCODES, PLATFORM_EC_TOKEN_INVALID_INFCODES). */
export interface RefusalInfcodes {
  personNotFound: ReadonlySet<number>;
  ecTokenInvalid: ReadonlySet<number>;
}

export const NO_REFUSAL_INFCODES: RefusalInfcodes = { personNotFound: new Set(), ecTokenInvalid: new Set() };

/**
 * A refused query by ID number or e-voucher that says the credential itself is no good: the
 * cashier can act on that (check the number typed, have the QR code refreshed), so it is
 * answered as PERSON_NOT_FOUND or EC_TOKEN_INVALID (HTTP 422), not as a platform fault. Where a
 * province's gateway gives the refusal a code of its own, that code decides. The national
 * interface refuses everything with infcode -1, so under that code alone the err_msg text is
 * read; any other refusal, and every refusal of a query by card, stays PLATFORM_ERROR.
 */
export function credentialRefusal(c: PersonCredential, err: unknown, codes: RefusalInfcodes = NO_REFUSAL_INFCODES): ServiceFault | undefined {
  if (c.kind === 'card' || !(err instanceof PlatformFault)) return undefined;
  const { cause, infcode, errMsg } = err.reason.detail ?? {};
  if (cause !== 'refused' || typeof infcode !== 'number') return undefined;
  const text = typeof errMsg === 'string' ? errMsg : '';
  const byText = infcode === GENERIC_FAILURE;
  const code = c.kind === 'ec-token'
    ? codes.ecTokenInvalid.has(infcode) || (byText && ((VOUCHER.test(text) && VOUCHER_NO_GOOD.test(text)) || NO_SUCH_PERSON.test(text))) ? 'EC_TOKEN_INVALID' : undefined
    : codes.personNotFound.has(infcode) || (byText && NO_SUCH_PERSON.test(text)) ? 'PERSON_NOT_FOUND' : undefined;
  return code && new ServiceFault(code, { infno: PERSON_INFO.infno, infcode, errMsg: errMsg ?? null }, { status: 422, cause: err });
}
