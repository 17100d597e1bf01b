import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBuffer } from './random-pool.js';

const BLOCK = 16;

/**
 * SM4-CBC with PKCS#7 padding and a fresh random IV per message, on two cipher contexts made
 * once per key instead of a Cipheriv and a Decipheriv per message (each a native object, a key
 * import and an algorithm fetch: about 10 µs a message between round trips). The bytes are
 * exactly those of createCipheriv('sm4-cbc', key, iv) and its decipher
 * (test/account/sm4-cbc.test.ts).
 *
 * - Decryption is CBC's definition: every block deciphered (ECB), then XORed with the block
 *   before it (the IV for the first).
 * - Encryption runs on one CBC context whose chaining value is the last block it wrote. To start
 *   a message at a new random IV it first feeds the block D(IV) XOR last, which enciphers to the
 *   IV itself, so the blocks that follow are CBC under that IV.
 *
 * Both contexts run without padding on whole blocks only, so no bytes are ever held back
 * between messages.
 */
export class Sm4Cbc {
  private readonly ecb;
  private readonly cbc;
  /** The context's chaining value: the last block it wrote. */
  private readonly last = Buffer.alloc(BLOCK);
  private plain = Buffer.alloc(4096);

  constructor(key: Buffer) {
    this.ecb = createDecipheriv('sm4-ecb', key, null).setAutoPadding(false);
    this.cbc = createCipheriv('sm4-cbc', key, this.last).setAutoPadding(false);
  }

  /** IV (16 bytes) followed by the ciphertext of `text` as UTF-8. */
  encrypt(text: string): Buffer {
    const iv = randomBuffer(BLOCK);
    // A UTF-16 code unit is at most 3 bytes of UTF-8; one more block for the padding.
    const room = BLOCK + 3 * text.length + BLOCK;
    if (this.plain.length < room) this.plain = Buffer.alloc(room);
    const plain = this.plain;
    const steer = this.ecb.update(iv);
    for (let i = 0; i < BLOCK; i++) plain[i] = steer[i]! ^ this.last[i]!;
    let end = BLOCK + plain.write(text, BLOCK, 'utf8');
    const pad = BLOCK - ((end - BLOCK) % BLOCK);
    plain.fill(pad, end, end + pad);
    end += pad;
    let out: Buffer;
    try {
      out = this.cbc.update(plain.subarray(0, end));
    } finally {
      // The envelope holds personal data: it does not stay behind in the reused buffer.
      plain.fill(0, 0, end);
    }
    out.copy(this.last, 0, out.length - BLOCK);
    if (!out.subarray(0, BLOCK).equals(iv)) throw new Error('SM4-CBC chaining lost its place');
    return out;
  }

  /** The UTF-8 text of IV + ciphertext, or undefined when it is not whole blocks or its padding is wrong (wrong key). */
  decrypt(ivAndCiphertext: Buffer): string | undefined {
    if (ivAndCiphertext.length < 2 * BLOCK || ivAndCiphertext.length % BLOCK !== 0) return undefined;
    const plain = this.ecb.update(ivAndCiphertext.subarray(BLOCK));
    for (let i = 0; i < plain.length; i++) plain[i]! ^= ivAndCiphertext[i]!;
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK) return undefined;
    for (let i = plain.length - pad; i < plain.length - 1; i++) if (plain[i] !== pad) return undefined;
    return plain.toString('utf8', 0, plain.length - pad);
  }
}
