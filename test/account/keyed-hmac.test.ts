import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyedHmac } from '../../src/account/signing/keyed-hmac.js';

const KEYS = ['', 'k1', 'bench-secret', 'x'.repeat(64), 'y'.repeat(65), '省医保平台密钥'.repeat(10)];
const MESSAGES: [string, string][] = [
  ['', ''],
  ['1764400000\nabcdef\n', '{"infno":"1101"}'],
  ['APP1\n1764400000\nabcdef\n', JSON.stringify({ psn_name: '孙八', emoji: '😀', lone: '\ud800' })],
  ['head\n', '长'.repeat(5000)],
];

describe.each(['sha256', 'sm3'] as const)('keyedHmac %s', (algorithm) => {
  it.each(KEYS.map((key) => [key.length, key]))('equals createHmac for a key of %i characters, message after message', (_, key) => {
    const mac = keyedHmac(algorithm, key);
    // Twice over, so a grown buffer and every earlier message leave no trace in the next result.
    for (const [head, body] of [...MESSAGES, ...MESSAGES]) {
      expect(mac(head, body)).toBe(createHmac(algorithm, key).update(head + body).digest('hex'));
    }
  });
});
