import { ALGORITHM_CODES, KEY_EXTERNAL_AUTH, KEY_INTERNAL_AUTH, padChallenge, type Algorithm } from '../card/ssse.js';
import { equal, sw, VirtualIcc, type Command } from './icc.js';
import { diversify, sm4Block } from './sm4.js';
import type { IssuerKeys } from './virtual-chip.js';

export interface PsamSetup {
  atr: Uint8Array;
  algorithms: readonly Algorithm[];
  keys: IssuerKeys;
}

/**
 * The terminal's PSAM with test master keys. Its commands (devices/README.md):
 *   80 1A <usage> <alg> 10 <card id>  derive the card key for usage 01 (internal) or 02 (external auth)
 *   00 84 00 00 08                    GET CHALLENGE
 *   00 82 00 00 10 <cryptogram>       check the card's answer to the challenge (internal auth): 9000 or 6300
 *   80 FA 00 00 10 <block>            encrypt a block with the external-auth key (61 10, GET RESPONSE)
 * The keys never leave it; a PSAM without the card's algorithm answers 6A81.
 */
export class VirtualPsam extends VirtualIcc {
  private key: { usage: number; value: Uint8Array } | null = null;

  constructor(private readonly setup: PsamSetup) {
    super();
  }

  powerOn(): Uint8Array {
    this.resetSession();
    this.key = null;
    return this.setup.atr;
  }

  protected execute(c: Command): Uint8Array {
    if (c.cla === 0x80 && c.ins === 0x1a) return this.deriveKey(c);
    if (c.cla === 0x00 && c.ins === 0x82) return this.checkCard(c);
    if (c.cla === 0x80 && c.ins === 0xfa) return this.encrypt(c);
    return sw(c.cla === 0x00 || c.cla === 0x80 ? 0x6d00 : 0x6e00);
  }

  private deriveKey(c: Command): Uint8Array {
    const alg = (Object.keys(ALGORITHM_CODES) as Algorithm[]).find((a) => ALGORITHM_CODES[a] === c.p2);
    if (!alg || !this.setup.algorithms.includes(alg)) return sw(0x6a81);
    const master = c.p1 === KEY_INTERNAL_AUTH ? this.setup.keys.internalAuth : c.p1 === KEY_EXTERNAL_AUTH ? this.setup.keys.externalAuth : undefined;
    if (!master) return sw(0x6a88);
    if (c.data.length !== 16) return sw(0x6700);
    this.key = { usage: c.p1, value: diversify(master, c.data) };
    return sw(0x9000);
  }

  private checkCard(c: Command): Uint8Array {
    const challenge = this.challenge;
    this.challenge = null;
    if (!challenge || this.key?.usage !== KEY_INTERNAL_AUTH) return sw(0x6985);
    if (c.data.length !== 16) return sw(0x6700);
    return sw(equal(sm4Block(this.key.value, padChallenge(challenge)), c.data) ? 0x9000 : 0x6300);
  }

  private encrypt(c: Command): Uint8Array {
    if (this.key?.usage !== KEY_EXTERNAL_AUTH) return sw(0x6985);
    if (c.data.length !== 16) return sw(0x6700);
    return this.answer(sm4Block(this.key.value, c.data), c);
  }
}
