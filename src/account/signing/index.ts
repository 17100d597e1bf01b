import { hmacHeaderSigner } from './hmac-header.js';
import { sm3Sm4Signer } from './sm3-sm4.js';
import type { PlatformSigner, SignerKind } from './wire.js';

export type { PlatformSigner, SignerKind, WireMessage } from './wire.js';
export { WireError } from './wire.js';

export interface SignerConfig {
  kind: SignerKind;
  /** x-tif-paasid / appId the platform issued to this pharmacy. */
  appId: string;
  /** HMAC key (hmac) or HMAC-SM3 key (sm). */
  secret: string;
  /** 32 hex digits (sm only). */
  sm4Key: string;
  clock?: () => number;
}

/** Plain envelope: for platforms reached over the insurance private network with no message signature. */
const NONE: PlatformSigner = { kind: 'none', signtype: '', seal: (body) => ({ headers: { 'content-type': 'application/json' }, body }), open: (m) => m.body };

/** The province's scheme, chosen by configuration (PLATFORM_SIGNER). */
export function createSigner(c: SignerConfig): PlatformSigner {
  switch (c.kind) {
    case 'none':
      return NONE;
    case 'hmac':
      if (!c.secret) throw new RangeError('the hmac signer needs PLATFORM_SECRET');
      return hmacHeaderSigner(c.appId, c.secret, c.clock);
    case 'sm':
      if (!c.secret || !/^[0-9a-fA-F]{32}$/.test(c.sm4Key)) throw new RangeError('the sm signer needs PLATFORM_SECRET and a 32-hex-digit PLATFORM_SM4_KEY');
      return sm3Sm4Signer(c.appId, c.secret, Buffer.from(c.sm4Key, 'hex'), c.clock);
  }
}
