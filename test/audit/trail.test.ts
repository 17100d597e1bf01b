import { afterEach, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH } from '../../src/audit/canonical.js';
import { appendMany, openTrail, precheckInput, type TrailFixture } from './helpers.js';

describe('the audit trail appends a hash chain', () => {
  let f: TrailFixture;
  afterEach(async () => f?.close());

  it('gives gapless seqs and links each record to the one before', async () => {
    f = openTrail();
    const records = await appendMany(f.trail, 50);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(records[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
    for (const r of records) expect(chainHash(r)).toBe(r.hash);
    expect(records.every((r) => r.alg === 'sm3')).toBe(true);
    const report = await f.trail.verify();
    expect(report).toMatchObject({ ok: true, count: 50, algorithm: 'sm3', head: { seq: 50, hash: records[49]!.hash }, firstBroken: null });
  });
});
