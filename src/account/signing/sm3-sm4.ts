import { timingSafeEqual } from 'node:crypto';
import { keyedHmac } from './keyed-hmac.js';
import { randomHex } from './random-pool.js';
import { Sm4Cbc } from './sm4-cbc.js';
import { checkTimestamp, WireError, type PlatformSigner, type WireMessage } from './wire.js';

interface SealedBody {
  appId: string;
  timestamp: string;
  nonce: string;
  encType: 'SM4';
  signType: 'SM3';
  /** base64 of IV (16 bytes) + SM4-CBC ciphertext of the envelope JSON. */
  encData: string;
  /** hex HMAC-SM3 over appId, timestamp, nonce and encData. */
  signData: string;
}

/**
 * The national-crypto scheme: the envelope is encrypted with SM4-CBC under the province's
 * data key and the wrapper is authenticated with HMAC-SM3, both from node:crypto.
 */
export function sm3Sm4Signer(appId: string, secret: string, sm4Key: Buffer, clock: () => number = Date.now): PlatformSigner {
  if (sm4Key.length !== 16) throw new RangeError('the SM4 key is 16 bytes (32 hex digits)');
  const sm4 = new Sm4Cbc(sm4Key);
  const hmacSm3 = keyedHmac('sm3', secret);
  const mac = (timestamp: string, nonce: string, encData: string) => hmacSm3(`${appId}\n${timestamp}\n${nonce}\n`, encData);
  return {
    kind: 'sm',
    signtype: 'SM3',
    seal(payload: string): WireMessage {
      const encData = sm4.encrypt(payload).toString('base64');
      const timestamp = String(Math.floor(clock() / 1000));
      const nonce = randomHex(12);
      const body: SealedBody = { appId, timestamp, nonce, encData, encType: 'SM4', signType: 'SM3', signData: mac(timestamp, nonce, encData) };
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    },
    open({ body }: WireMessage): string {
      let sealed: Partial<SealedBody>;
      try {
        sealed = JSON.parse(body) as Partial<SealedBody>;
      } catch {
        throw new WireError('malformed', 'sealed body is not JSON');
      }
      if (typeof sealed !== 'object' || sealed === null || typeof sealed.encData !== 'string' || typeof sealed.signData !== 'string') {
        throw new WireError('malformed', 'sealed body lacks encData or signData');
      }
      if (sealed.appId !== appId) throw new WireError('signature', 'appId missing or foreign');
      checkTimestamp(sealed.timestamp, clock());
      const given = Buffer.from(sealed.signData, 'hex');
      const expected = Buffer.from(mac(sealed.timestamp!, String(sealed.nonce ?? ''), sealed.encData), 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WireError('signature', 'signData does not match');
      const raw = Buffer.from(sealed.encData, 'base64');
      if (raw.length < 32 || raw.length % 16 !== 0) throw new WireError('malformed', 'encData is not SM4-CBC ciphertext');
      const text = sm4.decrypt(raw);
      if (text === undefined) throw new WireError('malformed', 'encData does not decrypt under the configured SM4 key');
      return text;
    },
  };
}
