import { describe, expect, it } from 'vitest';
import { command, fromHex, toHex, transceive } from '../../src/card/apdu.js';
import { ascii, bcdDate, bcdDigits, gbkText } from '../../src/card/fields.js';
import { ReaderError } from '../../src/card/reader-errors.js';
import { encodeTlv, findDeep, parseTlv } from '../../src/card/tlv.js';

const hex = (s: string) => fromHex(s.replace(/ /g, ''));
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ReaderError) return err.code;
    throw err;
  }
  return 0;
};

describe('APDUs', () => {
  it('builds the four ISO cases', () => {
    expect(toHex(command(0x00, 0x20, 0x00, 0x00))).toBe('00200000');
    expect(toHex(command(0x00, 0xb2, 0x07, 0x00, undefined, 0x00))).toBe('00B2070000');
    expect(toHex(command(0x00, 0xa4, 0x02, 0x00, hex('EF05')))).toBe('00A4020002EF05');
    expect(toHex(command(0x00, 0xa4, 0x04, 0x00, hex('A0'), 0x00))).toBe('00A4040001A000');
  });

  it('resends with the Le a 6Cxx names', async () => {
    const sent: string[] = [];
    const res = await transceive(async (a) => {
      sent.push(toHex(a));
      return a[4] === 0x0b ? hex('0709583030303030303139 9000') : hex('6C0B');
    }, command(0x00, 0xb2, 0x07, 0x00, undefined, 0x00));
    expect(sent).toEqual(['00B2070000', '00B207000B']);
    expect(res).toEqual({ data: hex('0709583030303030303139'), sw: 0x9000 });
  });

  it('fetches 61xx data with GET RESPONSE, chunk after chunk', async () => {
    const answers = [hex('6120'), hex('0102030405060708 6118'), hex('1112131415161718191A1B1C1D1E1F202122232425262728 9000')];
    const sent: string[] = [];
    const res = await transceive(async (a) => {
      sent.push(toHex(a));
      return answers.shift()!;
    }, command(0x00, 0x88, 0x00, 0x00, new Uint8Array(16)));
    expect(sent.slice(1)).toEqual(['00C0000020', '00C0000018']);
    expect(res.data.length).toBe(32);
    expect(res.sw).toBe(0x9000);
  });

  it('gives up on a card that answers 61xx forever (-23), and on a one-byte answer (-4)', async () => {
    await expect(transceive(async () => hex('6110'), command(0, 0x88, 0, 0, new Uint8Array(16)))).rejects.toMatchObject({ code: -23 });
    await expect(transceive(async () => hex('90'), command(0, 0x20, 0, 0))).rejects.toMatchObject({ code: -4 });
  });
});

describe('TLV', () => {
  it('parses one- and two-byte tags and long lengths, and finds nested tags', () => {
    const value = new Uint8Array(200).fill(7);
    const bytes = Uint8Array.from([...encodeTlv(0x01, hex('AABB')), ...encodeTlv(0x9f0c, hex('860103')), ...encodeTlv(0x4e, value)]);
    expect(parseTlv(bytes).map((t) => [t.tag, t.value.length])).toEqual([[0x01, 2], [0x9f0c, 3], [0x4e, 200]]);
    const fci = encodeTlv(0x6f, Uint8Array.from([...encodeTlv(0x84, hex('7378')), ...encodeTlv(0xa5, encodeTlv(0x9f0c, hex('860103')))]));
    expect(findDeep(fci, 0x9f0c)).toEqual(hex('860103'));
  });

  it('calls a TLV that does not add up illegal data (-23)', () => {
    expect(code(() => parseTlv(hex('0705 4142')))).toBe(-23);
    expect(code(() => parseTlv(hex('9F')))).toBe(-23);
    expect(code(() => parseTlv(hex('07 83 000001')))).toBe(-23);
    expect(code(() => parseTlv(hex('07')))).toBe(-23);
  });
});

describe('record fields', () => {
  it('decodes BCD dates and refuses impossible ones', () => {
    expect(bcdDate(hex('20330101'), 'd')).toBe('2033-01-01');
    expect(bcdDigits(hex('330300'), 'p')).toBe('330300');
    expect(code(() => bcdDate(hex('20230231'), 'd'))).toBe(-23);
    expect(code(() => bcdDate(hex('2023013A'), 'd'))).toBe(-23);
    expect(code(() => bcdDate(hex('202301'), 'd'))).toBe(-23);
  });

  it('decodes GBK names with a real GBK decoder, trimming padding', () => {
    expect(gbkText(hex('D5C5C8FD 2020202020'), 'name')).toBe('张三');
    expect(gbkText(hex('C9E7BBE1B1A3D5CF 00 00'), 'name')).toBe('社会保障');
    expect(code(() => gbkText(hex('D5'), 'name'))).toBe(-23);
  });

  it('checks ASCII fields and their format (-20)', () => {
    expect(ascii(hex('583030303030303139'), 'cardNumber', /^[A-Z0-9]{9}$/)).toBe('X00000019');
    expect(code(() => ascii(hex('58303030'), 'cardNumber', /^[A-Z0-9]{9}$/))).toBe(-20);
    expect(code(() => ascii(hex('5801'), 'cardNumber'))).toBe(-23);
  });
});
