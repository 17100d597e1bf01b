import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { CODECS, type ProtocolName } from '../../src/terminal/link/codecs.js';

/** Every byte example in devices/README.md must be a real frame of its protocol, byte for byte. */
const readme = readFileSync(path.join(PROJECT_ROOT, 'devices', 'README.md'), 'utf8');
const examples = readme.split('\n').flatMap((line) => {
  const m = /^(guard-link|huada-serial) \| (.+?) \| (.+?) \| ([0-9A-F]{2}(?: [0-9A-F]{2}| \/ [0-9A-F]{2})*)$/.exec(line);
  return m ? [{ protocol: m[1] as ProtocolName, what: `${m[2]}: ${m[3]}`, reports: m[4]!.split(' / ').map((r) => Uint8Array.from(r.split(' ').map((b) => parseInt(b, 16)))) }] : [];
});

describe('devices/README.md byte examples', () => {
  it('has examples for both protocols', () => {
    expect(examples.filter((e) => e.protocol === 'guard-link').length).toBeGreaterThanOrEqual(10);
    expect(examples.filter((e) => e.protocol === 'huada-serial').length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples.map((e) => [e.what, e] as const))('%s', (_what, e) => {
    const codec = CODECS[e.protocol];
    const padded = e.reports.map((r) => {
      const full = new Uint8Array(64);
      full.set(r);
      return full;
    });
    const decoder = codec.decoder(64);
    const events = padded.flatMap((r) => decoder.push(r));
    expect(events).toHaveLength(1);
    const only = events[0]!;
    if (!('frame' in only)) throw new Error(`garbled: ${only.garbled}`);
    expect(codec.encode(only.frame, 64)).toEqual(padded);
  });
});
