import iconv from 'iconv-lite';
import { concat, fromHex } from '../card/apdu.js';
import { CARD_EXTERNAL_KEY, EF05, EF06, padChallenge, SSSE_AID, ALGORITHM_CODES } from '../card/ssse.js';
import { encodeTlv } from '../card/tlv.js';
import { unpackPin } from '../terminal/link/messages.js';
import { diversify, sm4Block } from './sm4.js';
import { equal, sw, VirtualIcc, type Command } from './icc.js';
import type { VirtualCard } from './virtual-cards.js';

/** The issuer master keys a card was personalised from (the PSAM holds the same masters). */
export interface IssuerKeys {
  internalAuth: Uint8Array;
  externalAuth: Uint8Array;
}

const NAME_BYTES = 30;
const NAME_EXTENSION_BYTES = 20;

/**
 * The user card's COS, answering APDUs byte for byte from a virtual card file: the SSSE
 * application with EF05/EF06 records read by tag, internal and external authentication with
 * SM4 keys diversified from the issuer's masters, and the PIN with its tries counter.
 *
 * One convention of this COS (devices/README.md): a correct VERIFY of a PIN that was never
 * changed answers 6985, which the reader reports as -35 "initial PIN cannot transact".
 */
export class VirtualChip extends VirtualIcc {
  readonly cardId: string;
  private readonly records = new Map<number, Map<number, Uint8Array>>();
  private readonly keys: { internalAuth: Uint8Array; externalAuth: Uint8Array };
  private readonly atr: Uint8Array;
  private readonly v3: boolean;
  private pin: string;
  private triesLeft: number;
  private readonly maxTries: number;
  private pinInitial: boolean;
  /** What the virtual cardholder believes the PIN is: typed when a test does not say otherwise. */
  holderPin: string;
  readonly newPinChoice: string;
  private df: 'MF' | 'SSSE' = 'MF';
  private ef: number | null = null;
  private externallyAuthenticated = false;

  constructor(readonly file: VirtualCard, issuer: IssuerKeys) {
    super();
    const chip = file.chip;
    this.cardId = chip.ef05.cardId;
    const id = fromHex(chip.ef05.cardId);
    const masters = chip.issuerKeys
      ? { internalAuth: fromHex(chip.issuerKeys.internalAuth), externalAuth: fromHex(chip.issuerKeys.externalAuth) }
      : chip.genuine ? issuer : { internalAuth: issuer.internalAuth.map((b) => b ^ 0xff), externalAuth: issuer.externalAuth.map((b) => b ^ 0xff) };
    this.keys = { internalAuth: diversify(masters.internalAuth, id), externalAuth: diversify(masters.externalAuth, id) };
    this.atr = fromHex(chip.atr);
    this.v3 = chip.ef05.specVersion >= '3.00';
    this.pin = chip.pin;
    this.triesLeft = chip.pinTriesLeft;
    this.maxTries = chip.pinMaxTries;
    this.pinInitial = chip.pinInitial;
    this.holderPin = chip.keypadEntry;
    this.newPinChoice = chip.newPinEntry ?? (chip.pin === '135790' ? '975310' : '135790');
    this.records.set(EF05, records([
      [0x01, id],
      [0x02, ascii(chip.ef05.cardType)],
      [0x03, ascii(chip.ef05.specVersion)],
      [0x04, ascii(chip.ef05.issuerOrg)],
      [0x05, bcd(chip.ef05.issueDate)],
      [0x06, bcd(chip.ef05.expiryDate)],
      [0x07, ascii(chip.ef05.cardNumber)],
    ]));
    const [name, extension] = splitName(chip.ef06.name);
    this.records.set(EF06, records([
      [0x08, ascii(chip.ef06.idNumber)],
      [0x09, pad(name, NAME_BYTES)],
      ...(chip.ef05.specVersion >= '2.00' ? [[0x4e, pad(extension, NAME_EXTENSION_BYTES)] as const] : []),
      [0x0a, ascii(chip.ef06.gender)],
      [0x0b, bcd(chip.ef06.nation)],
      [0x0c, bcd(chip.ef06.birthPlace)],
      [0x0d, bcd(chip.ef06.birthDate)],
    ]));
  }

  /** Answer to reset, or null for a dead chip. */
  powerOn(): Uint8Array | null {
    if (this.file.chip.damaged) return null;
    this.resetSession();
    this.df = 'MF';
    this.ef = null;
    this.externallyAuthenticated = false;
    return this.atr;
  }

  protected execute(c: Command): Uint8Array {
    if (c.cla !== 0x00 && c.cla !== 0x80) return sw(0x6e00);
    switch (c.ins) {
      case 0xa4: return this.select(c);
      case 0xb2: return this.readRecord(c);
      case 0x88: return this.internalAuthenticate(c);
      case 0x82: return this.externalAuthenticate(c);
      case 0x20: return this.verify(c);
      case 0x5e: return c.cla === 0x80 ? this.changePin(c) : sw(0x6e00);
      default: return sw(0x6d00);
    }
  }

  private select(c: Command): Uint8Array {
    if (c.p1 === 0x04 && c.p2 === 0x00) {
      if (!equal(c.data, SSSE_AID)) return sw(0x6a82);
      this.df = 'SSSE';
      this.ef = null;
      const alg = encodeTlv(0x9f0c, Uint8Array.of(0x86, 0x01, ALGORITHM_CODES[this.file.chip.algorithm]));
      return this.answer(encodeTlv(0x6f, concat([encodeTlv(0x84, SSSE_AID), encodeTlv(0xa5, alg)])), c);
    }
    if (c.p1 === 0x02 && c.p2 === 0x00 && c.data.length === 2) {
      const fid = (c.data[0]! << 8) | c.data[1]!;
      if (this.df !== 'SSSE' || !this.records.has(fid)) return sw(0x6a82);
      this.ef = fid;
      return sw(0x9000);
    }
    if (c.p1 === 0x00 && c.data.length === 2 && c.data[0] === 0x3f && c.data[1] === 0x00) {
      this.df = 'MF';
      this.ef = null;
      return sw(0x9000);
    }
    return sw(0x6a86);
  }

  private readRecord(c: Command): Uint8Array {
    if (c.p2 !== 0x00) return sw(0x6a86);
    if (this.ef === null) return sw(0x6986);
    if (this.ef === EF06 && this.v3 && !this.externallyAuthenticated) return sw(0x6982);
    const record = this.records.get(this.ef)?.get(c.p1);
    if (!record) return sw(0x6a83);
    return this.answer(record, c);
  }

  private internalAuthenticate(c: Command): Uint8Array {
    if (this.df !== 'SSSE') return sw(0x6985);
    if (c.p1 !== 0 || c.p2 !== 0) return sw(0x6a86);
    if (c.data.length !== 16) return sw(0x6700);
    return this.answer(sm4Block(this.keys.internalAuth, c.data), c);
  }

  private externalAuthenticate(c: Command): Uint8Array {
    if (c.p2 !== CARD_EXTERNAL_KEY) return sw(0x6a88);
    if (c.data.length !== 16) return sw(0x6700);
    const challenge = this.challenge;
    this.challenge = null;
    if (!challenge) return sw(0x6984);
    if (!equal(sm4Block(this.keys.externalAuth, padChallenge(challenge)), c.data)) return sw(0x6300);
    this.externallyAuthenticated = true;
    return sw(0x9000);
  }

  private verify(c: Command): Uint8Array {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(0x6a86);
    if (this.triesLeft === 0) return sw(0x6983);
    if (c.data.length === 0) return sw(0x63c0 | this.triesLeft);
    if (c.data.length !== 3) return sw(0x6700);
    const typed = unpackPin(c.data);
    if (typed === undefined) return sw(0x6a80);
    if (typed !== this.pin) return this.wrongPin();
    this.triesLeft = this.maxTries;
    return sw(this.pinInitial ? 0x6985 : 0x9000);
  }

  private changePin(c: Command): Uint8Array {
    if (c.p1 !== 0x01 || c.p2 !== 0x00) return sw(0x6a86);
    if (c.data.length !== 7 || c.data[3] !== 0xff) return sw(0x6a80);
    const old = unpackPin(c.data.subarray(0, 3));
    const next = unpackPin(c.data.subarray(4, 7));
    if (old === undefined || next === undefined) return sw(0x6a80);
    if (this.triesLeft === 0) return sw(0x6983);
    if (old !== this.pin) return this.wrongPin();
    this.pin = next;
    this.pinInitial = false;
    this.triesLeft = this.maxTries;
    return sw(0x9000);
  }

  private wrongPin(): Uint8Array {
    this.triesLeft = Math.max(0, this.triesLeft - 1);
    return sw(0x63c0 | this.triesLeft);
  }
}

function records(entries: readonly (readonly [number, Uint8Array])[]): Map<number, Uint8Array> {
  return new Map(entries.map(([tag, value]) => [tag, encodeTlv(tag, value)]));
}

function ascii(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

function bcd(digits: string): Uint8Array {
  return fromHex(digits);
}

/** The name in GBK: what fits in 30 bytes goes to tag 09, the rest (v2/v3 cards) to 4E. Never splits a character. */
function splitName(name: string): [Uint8Array, Uint8Array] {
  let head = '';
  for (const ch of name) {
    if (iconv.encode(head + ch, 'gbk').length > NAME_BYTES) break;
    head += ch;
  }
  return [new Uint8Array(iconv.encode(head, 'gbk')), new Uint8Array(iconv.encode(name.slice(head.length), 'gbk').subarray(0, NAME_EXTENSION_BYTES))];
}

function pad(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size).fill(0x20);
  out.set(bytes.subarray(0, size));
  return out;
}

