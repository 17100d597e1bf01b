import { beforeEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/card/apdu.js';
import { padChallenge } from '../../src/card/ssse.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { diversify, sm4Block } from '../../src/emulator/sm4.js';
import { loadTerminalSetup } from '../../src/emulator/terminal-setup.js';
import { loadVirtualCards, type VirtualCard } from '../../src/emulator/virtual-cards.js';
import { VirtualChip } from '../../src/emulator/virtual-chip.js';
import { VirtualPsam } from '../../src/emulator/virtual-psam.js';
import path from 'node:path';

const devicesDir = path.join(PROJECT_ROOT, 'devices');
const cards = loadVirtualCards(devicesDir);
const setup = loadTerminalSetup(devicesDir);
const issuer = { internalAuth: fromHex(setup.psam.keys.internalAuth), externalAuth: fromHex(setup.psam.keys.externalAuth) };
const h = (s: string) => fromHex(s.replace(/ /g, ''));
const chipFor = (scenario: string, tweak: (c: VirtualCard) => void = () => {}) => {
  const file = structuredClone(cards.get(scenario)!);
  tweak(file);
  const chip = new VirtualChip(file, issuer);
  chip.powerOn();
  return chip;
};
const send = (chip: { process(a: Uint8Array): Uint8Array }, apdu: string) => toHex(chip.process(h(apdu)));

describe('virtual user card (COS)', () => {
  let chip: VirtualChip;
  beforeEach(() => {
    chip = chipFor('normal');
  });

  it('selects SSSE by name with T=0 61xx and hands the FCI over GET RESPONSE', () => {
    expect(send(chip, '00A404000F 7378312E73682EC9E7BBE1B1A3D5CF')).toBe('611B');
    expect(send(chip, '00C0000010')).toBe('6F19840F7378312E73682EC9E7BBE1B1610B');
    expect(send(chip, '00C000000B')).toBe('A3D5CFA5069F0C038601039000');
  });

  it('answers READ RECORD by tag with 6Cxx for a wrong Le, then the TLV', () => {
    send(chip, '00A404000F 7378312E73682EC9E7BBE1B1A3D5CF');
    expect(send(chip, '00B2070000')).toBe('6986');
    expect(send(chip, '00A4020002EF05')).toBe('9000');
    expect(send(chip, '00B2070000')).toBe('6C0B');
    expect(send(chip, '00B207000B')).toBe(`0709${Buffer.from('X00000019').toString('hex').toUpperCase()}9000`);
    expect(send(chip, '00B2200000')).toBe('6A83');
    expect(send(chip, '00B2070100')).toBe('6A86');
    expect(send(chip, '00A4020002EF09')).toBe('6A82');
  });

  it('keeps EF06 closed on a v3 card until external authentication with the right key', () => {
    send(chip, '00A404000F 7378312E73682EC9E7BBE1B1A3D5CF');
    send(chip, '00A4020002EF06');
    expect(send(chip, '00B2080000')).toBe('6982');
    const challenge = chip.process(h('0084000008')).subarray(0, 8);
    const eak = diversify(issuer.externalAuth, h(chip.cardId));
    expect(send(chip, '0082000A10' + '00'.repeat(16))).toBe('6300');
    expect(send(chip, '0082000A10' + '00'.repeat(16))).toBe('6984');
    const again = chip.process(h('0084000008')).subarray(0, 8);
    expect(again).not.toEqual(challenge);
    expect(send(chip, '0082000A10' + toHex(sm4Block(eak, padChallenge(again))))).toBe('9000');
    expect(send(chip, '00B2080000')).toBe('6C14');
  });

  it('counts PIN tries down, locks at zero, and unlocks nothing afterwards', () => {
    send(chip, '00A404000F 7378312E73682EC9E7BBE1B1A3D5CF');
    expect(send(chip, '00200000')).toBe('63C3');
    expect(send(chip, '0020000003111111')).toBe('63C2');
    expect(send(chip, '0020000003246810')).toBe('9000');
    expect(send(chip, '00200000')).toBe('63C3');
    for (const left of ['63C2', '63C1', '63C0']) expect(send(chip, '0020000003111111')).toBe(left);
    expect(send(chip, '0020000003246810')).toBe('6983');
    expect(send(chip, '805E0100072468 10FF135790'.replace(/ /g, ''))).toBe('6983');
  });

  it('refuses a correct but never-changed PIN with 6985, until it is changed', () => {
    const initial = chipFor('initial-pin');
    expect(send(initial, '0020000003000026')).toBe('6985');
    expect(send(initial, '805E010007000026FF1357')).toBe('6700');
    expect(send(initial, '805E010007000026EE135790')).toBe('6A80');
    expect(send(initial, '805E010007000027FF135790')).toBe('63C2');
    expect(send(initial, '805E010007000026FF135790')).toBe('9000');
    expect(send(initial, '0020000003135790')).toBe('9000');
    expect(send(initial, '0020000003000026')).toBe('63C2');
  });

  it('is dead (no ATR) when damaged, and malformed commands get 6700 / 6D00 / 6E00', () => {
    expect(new VirtualChip(cards.get('damaged')!, issuer).powerOn()).toBeNull();
    expect(send(chip, '00A4')).toBe('6700');
    expect(send(chip, '00A4040000')).toBe('6A82');
    expect(send(chip, '00CA000000')).toBe('6D00');
    expect(send(chip, 'A0A4000000')).toBe('6E00');
    expect(send(chip, '00C0000010')).toBe('6985');
  });

  it('splits long GBK names into tag 09 and the 4E extension', () => {
    const long = chipFor('normal', (c) => {
      c.chip.ef06.name = '阿卜杜热依木江·买买提依明·艾尔肯';
    });
    send(long, '00A404000F 7378312E73682EC9E7BBE1B1A3D5CF');
    send(long, '00A4020002EF06');
    const challenge = long.process(h('0084000008')).subarray(0, 8);
    send(long, '0082000A10' + toHex(sm4Block(diversify(issuer.externalAuth, h(long.cardId)), padChallenge(challenge))));
    const name09 = h(send(long, '00B2090020')).subarray(2, 32);
    const name4e = h(send(long, '00B24E0016')).subarray(2, 22);
    const decode = (b: Uint8Array) => new TextDecoder('gbk').decode(b).trim();
    expect(decode(name09) + decode(name4e)).toBe('阿卜杜热依木江·买买提依明·艾尔肯');
  });
});

describe('virtual PSAM', () => {
  const psam = () => {
    const p = new VirtualPsam({ atr: fromHex(setup.psam.atr), algorithms: ['SM4'], keys: issuer });
    p.powerOn();
    return p;
  };

  it('verifies a genuine card cryptogram and refuses a foreign one', () => {
    const p = psam();
    const cardId = cards.get('normal')!.chip.ef05.cardId;
    expect(send(p, `801A010310${cardId}`)).toBe('9000');
    const r = p.process(h('0084000008')).subarray(0, 8);
    const iak = diversify(issuer.internalAuth, h(cardId));
    expect(send(p, '0082000010' + toHex(sm4Block(iak, padChallenge(r))))).toBe('9000');
    expect(send(p, '0082000010' + toHex(sm4Block(iak, padChallenge(r))))).toBe('6985');
    send(p, '0084000008');
    expect(send(p, '0082000010' + '11'.repeat(16))).toBe('6300');
  });

  it('lacks algorithms and key usages it does not have', () => {
    const p = psam();
    const cardId = cards.get('normal')!.chip.ef05.cardId;
    expect(send(p, `801A010110${cardId}`)).toBe('6A81');
    expect(send(p, `801A090310${cardId}`)).toBe('6A88');
    expect(send(p, '80FA000010' + '00'.repeat(16))).toBe('6985');
    expect(send(p, `801A020310${cardId}`)).toBe('9000');
    expect(send(p, '80FA000010' + '00'.repeat(16))).toBe('6110');
  });
});
