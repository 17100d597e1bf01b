import { command, fromHex, SW_OK, toHex, transceive, type Response } from './apdu.js';
import type { CardChannel, SlotName } from './channel.js';
import { ascii, bcdDate, gbkText } from './fields.js';
import { ReaderError, READER_ERRORS as E, swError, swHex } from './reader-errors.js';
import { findDeep, findTag, parseTlv } from './tlv.js';
import type { CardIdentity } from './types.js';

/** The social security application, selected by name: "sx1.sh." + 社会保障 in GBK. */
export const SSSE_AID = fromHex('7378312E73682EC9E7BBE1B1A3D5CF');
export const EF05 = 0xef05;
export const EF06 = 0xef06;
export const ALGORITHMS = { 0x01: 'DES', 0x02: 'SSF33', 0x03: 'SM4' } as const;
export type Algorithm = (typeof ALGORITHMS)[keyof typeof ALGORITHMS];
export const ALGORITHM_CODES: Readonly<Record<Algorithm, number>> = { DES: 0x01, SSF33: 0x02, SM4: 0x03 };

/** PSAM key usages for the diversification command 80 1A. */
export const KEY_INTERNAL_AUTH = 0x01;
export const KEY_EXTERNAL_AUTH = 0x02;
/** Key number of the external-authentication key on the card (P2 of 00 82). */
export const CARD_EXTERNAL_KEY = 0x0a;

export const HEADER_VERIFY = Uint8Array.of(0x00, 0x20, 0x00, 0x00);
export const HEADER_CHANGE_PIN = Uint8Array.of(0x80, 0x5e, 0x01, 0x00);

/** ISO/IEC 9797-1 method 2 padding of an 8-byte challenge to one 16-byte SM4 block. */
export function padChallenge(challenge: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block.set(challenge.subarray(0, 15));
  block[Math.min(challenge.length, 15)] = 0x80;
  return block;
}

export interface PinState {
  /** Tries left as the card reports them; null when it did not say. */
  triesLeft: number | null;
  locked: boolean;
}

/**
 * One conversation with the card and the PSAM, step by step as the SSSE specification and the
 * ministry reader interface do it. Every status word is checked; anything unexpected becomes a
 * ReaderError carrying the ministry error number.
 */
export class SsseSession {
  algorithm: Algorithm = 'SM4';

  constructor(private readonly channel: CardChannel) {}

  async powerOnPsam(): Promise<void> {
    await this.channel.powerOn('psam');
  }

  /** Powers the card; an ATR that does not start with TS 3B/3F is a card the wrong way round or of the wrong kind. */
  async powerOnCard(): Promise<Uint8Array> {
    const atr = await this.channel.powerOn('card');
    if (atr.length < 2 || (atr[0] !== 0x3b && atr[0] !== 0x3f)) throw new ReaderError(E.WRONG_CARD, 'answer to reset is not ISO 7816-3', { atr: toHex(atr.subarray(0, 4)) });
    return atr;
  }

  async selectSsse(): Promise<void> {
    const res = await this.card(command(0x00, 0xa4, 0x04, 0x00, SSSE_AID));
    if (res.sw === 0x6a82) throw new ReaderError(E.WRONG_CARD, 'no social security application on this card', { sw: '6A82' });
    if (res.sw === 0x9303) throw swError(res.sw, 'application permanently locked', { step: 'select SSSE' });
    expectOk(res, 'select SSSE');
    const alg = findDeep(res.data, 0x9f0c);
    const code = alg ? findTag(parseTlv(alg), 0x86)?.[0] : undefined;
    const name = code === undefined ? undefined : ALGORITHMS[code as keyof typeof ALGORITHMS];
    // Cards from before the algorithm tag are DES cards.
    if (code !== undefined && !name) throw new ReaderError(E.ILLEGAL_DATA, 'unknown card algorithm', { algorithm: code });
    this.algorithm = name ?? 'DES';
  }

  async selectFile(fid: number): Promise<void> {
    const res = await this.card(command(0x00, 0xa4, 0x02, 0x00, Uint8Array.of(fid >> 8, fid & 0xff)));
    if (res.sw === 0x6a82) throw new ReaderError(E.NO_SUCH_ITEM, 'file not found', { file: fid.toString(16).toUpperCase() });
    expectOk(res, `select ${fid.toString(16).toUpperCase()}`);
  }

  /** READ RECORD by tag: 00 B2 <tag> 00 with Le 00 first; the card's 6Cxx gives the length. */
  async readTag(tag: number, optional = false): Promise<Uint8Array | undefined> {
    const res = await this.card(command(0x00, 0xb2, tag, 0x00, undefined, 0x00));
    if (res.sw === 0x6a83 || res.sw === 0x6a82) {
      if (optional) return undefined;
      throw new ReaderError(E.NO_SUCH_ITEM, 'record not found', { tag: tagHex(tag) });
    }
    if (res.sw === 0x6982) throw new ReaderError(E.PSAM_KEY_LEVEL, 'card refuses the record: security status not satisfied', { tag: tagHex(tag) });
    expectOk(res, `read tag ${tagHex(tag)}`);
    const value = findTag(parseTlv(res.data), tag);
    if (!value) throw new ReaderError(E.DATA_MISMATCH, 'record answer carries another tag', { tag: tagHex(tag) });
    return value;
  }

  async readEf05(): Promise<Pick<CardIdentity, 'regionCode' | 'cardId' | 'cardType' | 'specVersion' | 'issueDate' | 'expiryDate' | 'cardNumber'>> {
    await this.selectFile(EF05);
    const id = (await this.readTag(0x01))!;
    if (id.length !== 16) throw new ReaderError(E.FORMAT, 'card identification code is not 16 bytes', { length: id.length });
    const cardId = toHex(id);
    return {
      cardId,
      regionCode: cardId.slice(0, 6),
      cardType: ascii((await this.readTag(0x02))!, 'cardType', /^[0-9A-Z]$/),
      specVersion: ascii((await this.readTag(0x03))!, 'specVersion', /^\d\.\d\d$/),
      issueDate: bcdDate((await this.readTag(0x05))!, 'issueDate'),
      expiryDate: bcdDate((await this.readTag(0x06))!, 'expiryDate'),
      cardNumber: ascii((await this.readTag(0x07))!, 'cardNumber', /^[A-Z0-9]{9}$/),
    };
  }

  /** Only what the counter needs of the holder record: no nation, no birthplace. */
  async readEf06(specVersion: string): Promise<Pick<CardIdentity, 'idNumber' | 'name' | 'gender' | 'birthDate'>> {
    await this.selectFile(EF06);
    const idNumber = ascii((await this.readTag(0x08))!, 'idNumber', /^\d{17}[\dX]$/);
    let name = gbkText((await this.readTag(0x09))!, 'name');
    if (specVersion >= '2.00') {
      const extension = await this.readTag(0x4e, true);
      if (extension) name += gbkText(extension, 'nameExtension');
    }
    if (name.length === 0) throw new ReaderError(E.FORMAT, 'empty name', { field: 'name' });
    return {
      idNumber,
      name,
      gender: ascii((await this.readTag(0x0a))!, 'gender', /^[129]$/),
      birthDate: bcdDate((await this.readTag(0x0d))!, 'birthDate'),
    };
  }

  /**
   * Internal authentication: the card proves it holds the key diversified from the issuer's
   * master key, and the PSAM, which holds the master, checks the answer. Failure: -21.
   */
  async internalAuth(cardId: string): Promise<void> {
    await this.diversify(KEY_INTERNAL_AUTH, cardId);
    const challenge = await this.psam(command(0x00, 0x84, 0x00, 0x00, undefined, 0x08));
    expectPsam(challenge, 'get challenge');
    if (challenge.data.length !== 8) throw new ReaderError(E.NO_PSAM, 'PSAM challenge is not 8 bytes');
    const answer = await this.card(command(0x00, 0x88, 0x00, 0x00, padChallenge(challenge.data)));
    if (answer.sw !== SW_OK || answer.data.length !== 16) throw new ReaderError(E.INTERNAL_AUTH, 'card refused internal authentication', { sw: swHex(answer.sw) });
    const check = await this.psam(command(0x00, 0x82, 0x00, 0x00, answer.data));
    if (check.sw === 0x6300) throw new ReaderError(E.INTERNAL_AUTH, 'internal authentication failed: the card is not genuine');
    expectPsam(check, 'verify card cryptogram');
  }

  /** External authentication (v3 cards): the PSAM proves the terminal is entitled to the holder data. */
  async externalAuth(cardId: string): Promise<void> {
    const challenge = await this.card(command(0x00, 0x84, 0x00, 0x00, undefined, 0x08));
    expectOk(challenge, 'card challenge');
    if (challenge.data.length !== 8) throw new ReaderError(E.ILLEGAL_DATA, 'card challenge is not 8 bytes');
    await this.diversify(KEY_EXTERNAL_AUTH, cardId);
    const cryptogram = await this.psam(command(0x80, 0xfa, 0x00, 0x00, padChallenge(challenge.data)));
    expectPsam(cryptogram, 'encrypt card challenge');
    if (cryptogram.data.length !== 16) throw new ReaderError(E.NO_PSAM, 'PSAM cryptogram is not 16 bytes');
    const res = await this.card(command(0x00, 0x82, 0x00, CARD_EXTERNAL_KEY, cryptogram.data));
    if (res.sw !== SW_OK) throw new ReaderError(E.PSAM_KEY_LEVEL, 'card refused the PSAM: external authentication failed', { sw: swHex(res.sw) });
  }

  /** VERIFY without data asks the card for its tries left (ISO 7816-4) without spending one. */
  async pinState(): Promise<PinState> {
    const res = await this.card(command(0x00, 0x20, 0x00, 0x00));
    if ((res.sw & 0xfff0) === 0x63c0) return { triesLeft: res.sw & 0x0f, locked: (res.sw & 0x0f) === 0 };
    if (res.sw === 0x6983) return { triesLeft: 0, locked: true };
    return { triesLeft: null, locked: false };
  }

  /** Confirms the card in the slot is the one read before (a PIN is typed for a card session). */
  async sameCard(cardId: string): Promise<boolean> {
    await this.powerOnCard();
    await this.selectSsse();
    await this.selectFile(EF05);
    const id = (await this.readTag(0x01))!;
    return toHex(id) === cardId;
  }

  async powerOffAll(): Promise<void> {
    for (const slot of ['card', 'psam'] as const) await this.channel.powerOff(slot).catch(() => undefined);
  }

  private async diversify(usage: number, cardId: string): Promise<void> {
    const res = await this.psam(command(0x80, 0x1a, usage, ALGORITHM_CODES[this.algorithm], fromHex(cardId)));
    if (res.sw === 0x6a81) throw new ReaderError(E.PSAM_NO_SM4, `PSAM lacks the card's algorithm ${this.algorithm}`, { algorithm: this.algorithm });
    if (res.sw === 0x6a88) throw new ReaderError(E.PSAM_NO_KEY, 'PSAM lacks the key', { usage });
    expectPsam(res, 'diversify key');
  }

  private card(apdu: Uint8Array): Promise<Response> {
    return this.send('card', apdu);
  }

  private psam(apdu: Uint8Array): Promise<Response> {
    return this.send('psam', apdu);
  }

  private send(slot: SlotName, apdu: Uint8Array): Promise<Response> {
    return transceive((a) => this.channel.transmit(slot, a), apdu);
  }
}

function expectOk(res: Response, step: string): void {
  if (res.sw !== SW_OK) throw swError(res.sw, `card answered ${swHex(res.sw)} to ${step}`, { step });
}

/** A PSAM that answers wrongly is a PSAM problem, never the cardholder's. */
function expectPsam(res: Response, step: string): void {
  if (res.sw !== SW_OK) throw new ReaderError(E.NO_PSAM, `PSAM answered ${swHex(res.sw)} to ${step}`, { sw: swHex(res.sw), step });
}

function tagHex(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(2, '0');
}
