import { createCipheriv } from 'node:crypto';

/** One SM4 block (16 bytes) encrypted under a 16-byte key: all the emulated cryptography needs. */
export function sm4Block(key: Uint8Array, block: Uint8Array): Uint8Array {
  if (key.length !== 16 || block.length !== 16) throw new RangeError('SM4 works on 16-byte keys and blocks');
  const c = createCipheriv('sm4-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

/**
 * One-level key diversification: the card key is the issuer master key's encryption of the
 * 16-byte card identification code. The PSAM derives the same key from the master it holds,
 * so no software ever holds a card key.
 */
export function diversify(master: Uint8Array, cardId: Uint8Array): Uint8Array {
  return sm4Block(master, cardId);
}
