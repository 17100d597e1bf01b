import * as nodeCrypto from 'node:crypto';

/** SHA-256 and SM3 both hash 64-byte blocks into 32 bytes. */
const BLOCK = 64;
const DIGEST = 32;

type HexDigest = (algorithm: string, data: Buffer) => string;
/** One call per digest with the algorithm looked up once (crypto.hash, Node 20.12+); a Hash object each time before. */
const hexDigest: HexDigest = typeof nodeCrypto.hash === 'function'
  ? (algorithm, data) => nodeCrypto.hash(algorithm, data, 'hex')
  : (algorithm, data) => nodeCrypto.createHash(algorithm).update(data).digest('hex');

/**
 * HMAC (RFC 2104) keyed once: the padded inner and outer keys are made here, and each message
 * costs two one-shot digests instead of a native Hmac object with its key import and
 * algorithm fetch, which between round trips cost several µs a message. The result is
 * createHmac's, byte for byte, as lower-case hex. The MAC covers `head` then `body` (UTF-8),
 * written into one reused buffer that is wiped after each use.
 */
export function keyedHmac(algorithm: 'sha256' | 'sm3', key: string): (head: string, body: string) => string {
  let k = Buffer.from(key, 'utf8');
  if (k.length > BLOCK) k = Buffer.from(hexDigest(algorithm, k), 'hex');
  const innerPad = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK + DIGEST, 0x5c);
  for (let i = 0; i < k.length; i++) {
    innerPad[i]! ^= k[i]!;
    outer[i]! ^= k[i]!;
  }
  let scratch = Buffer.alloc(4096);
  return (head, body) => {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: room without measuring the strings first.
    const room = BLOCK + 3 * (head.length + body.length);
    if (scratch.length < room) scratch = Buffer.alloc(room);
    innerPad.copy(scratch);
    let end = BLOCK + scratch.write(head, BLOCK, 'utf8');
    end += scratch.write(body, end, 'utf8');
    try {
      outer.write(hexDigest(algorithm, scratch.subarray(0, end)), BLOCK, 'hex');
    } finally {
      scratch.fill(0, 0, end);
    }
    return hexDigest(algorithm, outer);
  };
}
