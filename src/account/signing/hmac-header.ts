import { timingSafeEqual } from 'node:crypto';
import { keyedHmac } from './keyed-hmac.js';
import { randomHex } from './random-pool.js';
import { checkTimestamp, WireError, type PlatformSigner, type WireMessage } from './wire.js';

/**
 * HMAC-SHA256 in headers, as the gateways in front of several provincial platforms expect:
 * the body stays the plain envelope; x-tif-signature covers timestamp, nonce and the exact
 * body bytes.
 */
export function hmacHeaderSigner(appId: string, secret: string, clock: () => number = Date.now): PlatformSigner {
  const mac = keyedHmac('sha256', secret);
  const sign = (timestamp: string, nonce: string, body: string) => mac(`${timestamp}\n${nonce}\n`, body);
  return {
    kind: 'hmac',
    signtype: 'HMACSHA256',
    seal(payload: string): WireMessage {
      const timestamp = String(Math.floor(clock() / 1000));
      const nonce = randomHex(12);
      return {
        headers: {
          'content-type': 'application/json',
          'x-tif-paasid': appId,
          'x-tif-timestamp': timestamp,
          'x-tif-nonce': nonce,
          'x-tif-signature': sign(timestamp, nonce, payload),
        },
        body: payload,
      };
    },
    open({ headers, body }: WireMessage): string {
      if (headers['x-tif-paasid'] !== appId) throw new WireError('signature', 'x-tif-paasid missing or foreign');
      const timestamp = headers['x-tif-timestamp'];
      checkTimestamp(timestamp, clock());
      const nonce = headers['x-tif-nonce'] ?? '';
      const given = Buffer.from(headers['x-tif-signature'] ?? '', 'hex');
      const expected = Buffer.from(sign(timestamp!, nonce, body), 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WireError('signature', 'x-tif-signature does not match');
      return body;
    },
  };
}
