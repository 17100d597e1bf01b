import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sm4Cbc } from '../../src/account/signing/sm4-cbc.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
/** Lengths around the block size (a whole block of padding at 0, 16, 32 bytes), Chinese text, a lone surrogate, a long envelope. */
const TEXTS = ['', 'a', 'x'.repeat(15), 'x'.repeat(16), 'x'.repeat(17), '孙八'.repeat(8), `lone ${'\ud800'} surrogate`, JSON.stringify({ psn_name: '孙八', data: '长'.repeat(3000) })];

const standardDecrypt = (sealed: Buffer) => {
  const decipher = createDecipheriv('sm4-cbc', KEY, sealed.subarray(0, 16));
  return Buffer.concat([decipher.update(sealed.subarray(16)), decipher.final()]);
};
const standardEncrypt = (text: string, iv: Buffer = randomBytes(16)) => {
  const cipher = createCipheriv('sm4-cbc', KEY, iv);
  return Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]);
};

describe('SM4-CBC on cipher contexts made once', () => {
  it('encrypts message after message exactly as a fresh createCipheriv with the same IV', () => {
    const sm4 = new Sm4Cbc(KEY);
    for (const text of [...TEXTS, ...TEXTS]) {
      const sealed = sm4.encrypt(text);
      expect(sealed).toEqual(standardEncrypt(text, sealed.subarray(0, 16)));
      expect(standardDecrypt(sealed)).toEqual(Buffer.from(text, 'utf8'));
    }
  });

  it('a new random IV every message', () => {
    const sm4 = new Sm4Cbc(KEY);
    const ivs = new Set(Array.from({ length: 500 }, () => sm4.encrypt('same text').subarray(0, 16).toString('hex')));
    expect(ivs.size).toBe(500);
  });

  it('decrypts what createCipheriv made, between its own encryptions', () => {
    const sm4 = new Sm4Cbc(KEY);
    for (const text of TEXTS) {
      expect(sm4.decrypt(standardEncrypt(text))).toBe(Buffer.from(text, 'utf8').toString('utf8'));
      expect(sm4.decrypt(sm4.encrypt(text))).toBe(Buffer.from(text, 'utf8').toString('utf8'));
    }
  });

  it('refuses partial blocks, a missing ciphertext and wrong padding (another key), and carries on afterwards', () => {
    const sm4 = new Sm4Cbc(KEY);
    const good = standardEncrypt('{"infcode":0}');
    expect(sm4.decrypt(good.subarray(0, 16))).toBeUndefined();
    expect(sm4.decrypt(good.subarray(0, good.length - 1))).toBeUndefined();
    const other = new Sm4Cbc(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    let refused = 0;
    for (let i = 0; i < 50; i++) if (other.decrypt(standardEncrypt('{"infcode":0}')) === undefined) refused++;
    // A wrong key leaves valid-looking padding about 1 time in 256.
    expect(refused).toBeGreaterThan(45);
    expect(sm4.decrypt(good)).toBe('{"infcode":0}');
    expect(standardDecrypt(sm4.encrypt('after')).toString()).toBe('after');
  });
});
