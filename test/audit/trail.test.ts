import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { chainHash, encodeRecord, GENESIS_HASH } from '../../src/audit/canonical.js';
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

describe('the canonical encoding an auditor recomputes', () => {
  it('is the JSON array of the tag, the head fields and the decision itself, hashed with the record\'s algorithm', async () => {
    const f = openTrail({ algorithm: 'sha256' });
    try {
      const r = await f.trail.append(precheckInput());
      const view = f.trail.get(r.id)!;
      const expected = JSON.stringify(['checkout-guard/audit-record/2', view.seq, view.id, view.at, view.kind, view.outcome, view.cashierId, view.tokenId, view.terminalId,
        view.cardMasked, view.cardHash, view.personHash, view.catalogueVersion, view.reasonCodes.join(' '), view.algorithm, view.prevHash, view.decision],
      (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
      expect(encodeRecord(r)).toBe(expected);
      expect(createHash('sha256').update(expected).digest('hex')).toBe(view.hash);
    } finally {
      await f.close();
    }
  });
});
