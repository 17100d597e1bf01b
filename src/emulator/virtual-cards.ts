import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * A virtual card file (devices/cards/<scenario>.json): the chip content the emulator answers
 * APDUs from, and the back-office state the platform simulator answers 1101 from.
 */
const Digits = (n: number) => Type.String({ pattern: `^\\d{${n}}$` });
const Hex32 = Type.String({ pattern: '^[0-9A-F]{32}$' });
export const VirtualCardSchema = Type.Object({
  scenario: Type.String({ pattern: '^[a-z0-9-]+$' }),
  description: Type.Object({ zh: Type.String(), en: Type.String() }),
  chip: Type.Object({
    atr: Type.String({ pattern: '^([0-9A-F]{2})+$' }),
    algorithm: Type.Union([Type.Literal('DES'), Type.Literal('SSF33'), Type.Literal('SM4')]),
    ef05: Type.Object({
      cardId: Type.String({ pattern: '^[0-9A-F]{32}$' }),
      cardType: Type.String({ minLength: 1, maxLength: 1 }),
      specVersion: Type.String({ pattern: '^\\d\\.\\d\\d$' }),
      issuerOrg: Type.String({ minLength: 12, maxLength: 12 }),
      issueDate: Digits(8),
      expiryDate: Digits(8),
      cardNumber: Type.String({ pattern: '^[A-Z0-9]{9}$' }),
    }),
    ef06: Type.Object({
      idNumber: Type.String({ pattern: '^\\d{17}[\\dX]$' }),
      /** Up to 15 characters fit tag 09; v2/v3 cards carry up to 10 more in the extension tag 4E. */
      name: Type.String({ minLength: 1, maxLength: 25 }),
      gender: Type.Union([Type.Literal('1'), Type.Literal('2')]),
      nation: Digits(2),
      birthPlace: Digits(6),
      birthDate: Digits(8),
    }),
    pin: Digits(6),
    pinTriesLeft: Type.Integer({ minimum: 0, maximum: 15 }),
    pinMaxTries: Type.Integer({ minimum: 1, maximum: 15 }),
    pinInitial: Type.Boolean(),
    /** What the virtual cardholder types on the keypad when asked. */
    keypadEntry: Digits(6),
    genuine: Type.Boolean(),
    damaged: Type.Boolean(),
    /** What the virtual cardholder chooses as the new PIN at a PIN change (default 135790, or 975310 when that is the PIN). */
    newPinEntry: Type.Optional(Digits(6)),
    /**
     * The issuer master keys (32 hex) the chip was personalised from. Default: the emulated
     * PSAM's test masters for a genuine card, their bitwise complement (a foreign issuer) otherwise.
     */
    issuerKeys: Type.Optional(Type.Object({ internalAuth: Hex32, externalAuth: Hex32 })),
  }),
  backOffice: Type.Object({
    /** 0 未启用, 1 正常, 2 挂失, 7 作废, 8 预挂失, 9 注销 */
    cardState: Type.Union(['0', '1', '2', '7', '8', '9'].map((s) => Type.Literal(s))),
    psnNo: Type.String(),
    insuinfo: Type.Array(Type.Object({
      balc: Type.String({ pattern: '^\\d+\\.\\d{2}$' }),
      insutype: Type.String(),
      psn_type: Type.String(),
      psn_insu_stas: Type.Union(['0', '1', '2', '4'].map((s) => Type.Literal(s))),
      psn_insu_date: Type.String(),
      paus_insu_date: Type.Union([Type.String(), Type.Null()]),
      cvlserv_flag: Type.String(),
      insuplc_admdvs: Type.String(),
      emp_name: Type.String(),
    })),
  }),
});
export type VirtualCard = Static<typeof VirtualCardSchema>;

export function loadVirtualCard(file: string): VirtualCard {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Value.Check(VirtualCardSchema, data)) {
    const first = [...Value.Errors(VirtualCardSchema, data)][0];
    throw new Error(`${file}: invalid virtual card at ${first?.instancePath ?? '/'}: ${first?.message ?? 'unknown'}`);
  }
  return data;
}

/** Every virtual card under devicesDir/cards, keyed by scenario name. */
export function loadVirtualCards(devicesDir: string): Map<string, VirtualCard> {
  const dir = path.join(devicesDir, 'cards');
  const out = new Map<string, VirtualCard>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const card = loadVirtualCard(path.join(dir, name));
    out.set(card.scenario, card);
  }
  return out;
}
