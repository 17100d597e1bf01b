import { createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigner, WireError, type SignerConfig } from '../../src/account/signing/index.js';

const CONFIGS: SignerConfig[] = [
  { kind: 'hmac', appId: 'APP1', secret: 'k1', sm4Key: '' },
  { kind: 'sm', appId: 'APP1', secret: 'k1', sm4Key: '0123456789abcdef0123456789abcdef' },
];
const PAYLOAD = JSON.stringify({ infno: '1101', input: { data: { psn_name: '孙八' } } });
const wireError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WireError);
    return (err as WireError).kind;
  }
  throw new Error('expected a WireError');
};

describe.each(CONFIGS)('$kind signer', (config) => {
  const signer = createSigner(config);

  it('round-trips a message, Chinese text included', () => {
    expect(signer.open(signer.seal(PAYLOAD))).toBe(PAYLOAD);
  });

  it('rejects a message under another key', () => {
    expect(wireError(() => createSigner({ ...config, secret: 'k2' }).open(signer.seal(PAYLOAD)))).toBe('signature');
  });

  it('rejects a foreign appId', () => {
    expect(wireError(() => createSigner({ ...config, appId: 'APP2' }).open(signer.seal(PAYLOAD)))).toBe('signature');
  });

  it('rejects a message outside the five-minute replay window', () => {
    const old = createSigner({ ...config, clock: () => Date.now() - 6 * 60_000 }).seal(PAYLOAD);
    expect(wireError(() => signer.open(old))).toBe('signature');
  });

  it('rejects any change to the body', () => {
    const sealed = signer.seal(PAYLOAD);
    const tampered = config.kind === 'hmac'
      ? { ...sealed, body: sealed.body.replace('1101', '1102') }
      : { ...sealed, body: JSON.stringify({ ...JSON.parse(sealed.body), encData: Buffer.alloc(48).toString('base64') }) };
    expect(wireError(() => signer.open(tampered))).toBe('signature');
  });
});

describe('signer specifics', () => {
  it('hmac keeps the envelope readable and puts the signature in x-tif headers', () => {
    const sealed = createSigner(CONFIGS[0]!).seal(PAYLOAD);
    expect(sealed.body).toBe(PAYLOAD);
    expect(Object.keys(sealed.headers).sort()).toEqual(['content-type', 'x-tif-nonce', 'x-tif-paasid', 'x-tif-signature', 'x-tif-timestamp']);
    expect(sealed.headers['x-tif-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sm encrypts the envelope: no personal data on the wire, a fresh IV every time', () => {
    const signer = createSigner(CONFIGS[1]!);
    const a = signer.seal(PAYLOAD);
    const b = signer.seal(PAYLOAD);
    expect(a.body).not.toContain('孙八');
    expect(a.body).not.toContain('1101');
    expect(JSON.parse(a.body)).toMatchObject({ appId: 'APP1', encType: 'SM4', signType: 'SM3', signData: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(a.body).encData).not.toBe(JSON.parse(b.body).encData);
  });

  it('sm under another data key does not decrypt', () => {
    const sealed = createSigner(CONFIGS[1]!).seal(PAYLOAD);
    expect(wireError(() => createSigner({ ...CONFIGS[1]!, sm4Key: 'ffffffffffffffffffffffffffffffff' }).open(sealed))).toBe('malformed');
  });

  it('sm rejects a body that is not a sealed wrapper', () => {
    const signer = createSigner(CONFIGS[1]!);
    expect(wireError(() => signer.open({ headers: {}, body: 'not json' }))).toBe('malformed');
    expect(wireError(() => signer.open({ headers: {}, body: '{"infcode":0}' }))).toBe('malformed');
  });

  it('refuses to start without the keys it needs', () => {
    expect(() => createSigner({ kind: 'hmac', appId: 'A', secret: '', sm4Key: '' })).toThrow(/PLATFORM_SECRET/);
    expect(() => createSigner({ kind: 'sm', appId: 'A', secret: 'k', sm4Key: 'abc' })).toThrow(/PLATFORM_SM4_KEY/);
  });

  it('hmac signs timestamp, nonce and the exact body bytes as the gateway computes it', () => {
    const sealed = createSigner({ ...CONFIGS[0]!, clock: () => 1_764_400_000_123 }).seal(PAYLOAD);
    const { 'x-tif-timestamp': timestamp, 'x-tif-nonce': nonce } = sealed.headers;
    expect(timestamp).toBe('1764400000');
    expect(nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(sealed.headers['x-tif-signature']).toBe(createHmac('sha256', 'k1').update(`${timestamp}\n${nonce}\n${PAYLOAD}`).digest('hex'));
  });

  it('sm wraps IV + SM4-CBC ciphertext and signs appId, timestamp, nonce and encData with HMAC-SM3', () => {
    const sealed = JSON.parse(createSigner(CONFIGS[1]!).seal(PAYLOAD).body) as Record<string, string>;
    expect(Object.keys(sealed)).toEqual(['appId', 'timestamp', 'nonce', 'encData', 'encType', 'signType', 'signData']);
    expect(sealed['signData']).toBe(createHmac('sm3', 'k1').update(`APP1\n${sealed['timestamp']}\n${sealed['nonce']}\n${sealed['encData']}`).digest('hex'));
    const raw = Buffer.from(sealed['encData']!, 'base64');
    const decipher = createDecipheriv('sm4-cbc', Buffer.from(CONFIGS[1]!.sm4Key, 'hex'), raw.subarray(0, 16));
    expect(Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8')).toBe(PAYLOAD);
  });

  it('never repeats a nonce or an IV, across many refills of the random pool', () => {
    const hmac = createSigner(CONFIGS[0]!);
    const sm = createSigner(CONFIGS[1]!);
    const nonces = new Set<string>();
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      nonces.add(hmac.seal(PAYLOAD).headers['x-tif-nonce']!);
      const sealed = JSON.parse(sm.seal(PAYLOAD).body) as { nonce: string; encData: string };
      nonces.add(sealed.nonce);
      ivs.add(Buffer.from(sealed.encData, 'base64').subarray(0, 16).toString('hex'));
    }
    expect(nonces.size).toBe(4000);
    expect(ivs.size).toBe(2000);
  });
});
