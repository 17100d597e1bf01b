import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { CardIdentity } from '../../card/types.js';
import { ServiceFault } from '../../reasons.js';
import type { PlatformClient } from '../client.js';

/** 1101 人员信息获取 output, validated at the edge; unknown extra fields are tolerated. */
const InsuInfo = Type.Object({
  balc: Type.Union([Type.String(), Type.Number()]),
  insutype: Type.String(),
  psn_type: Type.Optional(Type.String()),
  psn_insu_stas: Type.String(),
  psn_insu_date: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  paus_insu_date: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  insuplc_admdvs: Type.Optional(Type.String()),
});
export const Output1101 = Type.Object({
  baseinfo: Type.Object({
    psn_no: Type.String(),
    psn_name: Type.Optional(Type.String()),
    certno: Type.Optional(Type.String()),
  }),
  insuinfo: Type.Array(InsuInfo),
  idetinfo: Type.Optional(Type.Array(Type.Unknown())),
  /** Province extension: the card's back-office state when the query was by card. */
  cardinfo: Type.Optional(Type.Object({ card_sn: Type.Optional(Type.String()), card_stas: Type.String() })),
});
export type PersonInfo = Static<typeof Output1101>;

/** Queries 1101 by social security card (mdtrt_cert_type 03: card number + card_sn). */
export async function queryPersonByCard(client: PlatformClient, card: CardIdentity): Promise<PersonInfo> {
  const output = await client.call('1101', {
    data: {
      mdtrt_cert_type: '03',
      mdtrt_cert_no: card.cardNumber,
      card_sn: card.cardId,
      begntime: '',
      psn_cert_type: '01',
      certno: card.idNumber,
      psn_name: card.name,
    },
  }, card.regionCode);
  if (!Value.Check(Output1101, output)) {
    const first = [...Value.Errors(Output1101, output)][0];
    throw new ServiceFault('PLATFORM_ERROR', { infno: '1101', message: `unexpected answer at ${first?.instancePath || '/'}` });
  }
  return output;
}
