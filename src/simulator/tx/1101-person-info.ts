import type { VirtualCard } from '../../emulator/virtual-cards.js';
import { TxRefusal, type SimulatedTransaction, type TxContext } from '../transaction.js';

const NOT_FOUND = '未查询到人员信息';

/**
 * 1101 人员信息获取, by e-voucher token (01), ID number (02) or social security card (03).
 * Queries by card also answer `cardinfo` { card_sn, card_stas }, the province extension that
 * carries the card's back-office state (0 未启用, 1 正常, 2 挂失, 7 作废, 8 预挂失, 9 注销).
 */
export const personInfo: SimulatedTransaction = {
  infno: '1101',
  name: '人员信息获取',
  requiresSignIn: true,
  handle(input, ctx) {
    const data = input['data'];
    if (typeof data !== 'object' || data === null) throw new TxRefusal('入参 data 不能为空');
    const d = data as Record<string, unknown>;
    const certType = d['mdtrt_cert_type'];
    const certNo = d['mdtrt_cert_no'];
    if (typeof certNo !== 'string' || certNo === '') throw new TxRefusal('就诊凭证编号 mdtrt_cert_no 不能为空');
    const card = findPerson(certType, certNo, d['card_sn'], ctx);
    const output: Record<string, unknown> = { baseinfo: baseinfo(card, ctx.now), insuinfo: card.backOffice.insuinfo, idetinfo: [] };
    if (certType === '03') output['cardinfo'] = { card_sn: card.chip.ef05.cardId, card_stas: card.backOffice.cardState };
    return { output };
  },
};

function findPerson(certType: unknown, certNo: string, cardSn: unknown, { state }: TxContext): VirtualCard {
  switch (certType) {
    case '01': {
      const card = state.cardForEcToken(certNo);
      if (!card) throw new TxRefusal('电子凭证令牌无效或已过期');
      return card;
    }
    case '02': {
      const card = state.byIdNumber.get(certNo);
      if (!card) throw new TxRefusal(NOT_FOUND);
      return card;
    }
    case '03': {
      if (typeof cardSn !== 'string' || cardSn === '') throw new TxRefusal('社保卡就诊时卡识别码 card_sn 不能为空');
      const card = state.byCardSn.get(cardSn);
      if (!card || card.chip.ef05.cardNumber !== certNo) throw new TxRefusal(NOT_FOUND);
      return card;
    }
    default:
      throw new TxRefusal(`就诊凭证类型 mdtrt_cert_type 不正确: ${String(certType)}`);
  }
}

function baseinfo(card: VirtualCard, now: Date): Record<string, unknown> {
  const holder = card.chip.ef06;
  const b = holder.birthDate;
  const birthday = `${b.slice(4, 6)}-${b.slice(6, 8)}`;
  const today = now.toISOString().slice(5, 10);
  return {
    psn_no: card.backOffice.psnNo,
    psn_cert_type: '01',
    certno: holder.idNumber,
    psn_name: holder.name,
    gend: holder.gender,
    naty: holder.nation,
    brdy: `${b.slice(0, 4)}-${birthday}`,
    age: now.getUTCFullYear() - Number(b.slice(0, 4)) - (today < birthday ? 1 : 0),
  };
}
