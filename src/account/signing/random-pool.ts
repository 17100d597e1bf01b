import { randomFillSync } from 'node:crypto';

/**
 * Nonces and IVs from the kernel CSPRNG, drawn 4 KiB at a time (as node's own randomUUID
 * does): a randomBytes call per message costs several µs on the request path (a native
 * buffer each time), more than the HMAC it goes with. The bytes are public once sent, so a
 * pool holding them until then exposes nothing.
 */
const POOL = Buffer.allocUnsafeSlow(4096);
let next = POOL.length;

function take(bytes: number): number {
  if (next + bytes > POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  next += bytes;
  return next - bytes;
}

export function randomHex(bytes: number): string {
  const at = take(bytes);
  return POOL.toString('hex', at, at + bytes);
}

/** `bytes` fresh random bytes in a buffer of their own. */
export function randomBuffer(bytes: number): Buffer {
  const at = take(bytes);
  return Buffer.from(POOL.subarray(at, at + bytes));
}
