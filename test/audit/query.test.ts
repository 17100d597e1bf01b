import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchiveFile } from '../../src/audit/archive.js';
import { parseBound } from '../../src/audit/time.js';
import { HOLDER, openTrail, precheckInput, type TrailFixture } from './helpers.js';

describe('audit queries and exports', () => {
  let f: TrailFixture;
  const other = { ...HOLDER, cardNumber: 'X00000027', idNumber: '330302199001010027' };
  beforeAll(async () => {
    f = openTrail();
    for (let i = 0; i < 30; i++) {
      await f.trail.append(precheckInput({
        cashierId: i % 3 === 0 ? 'cashier-01' : 'cashier-02',
        outcome: i % 2 === 0 ? 'partial' : 'allow',
        reasonCodes: i % 2 === 0 ? ['ITEM_NOT_IN_CATALOGUE'] : [],
        holder: i % 5 === 0 ? other : HOLDER,
      }));
    }
    await f.trail.append({ ...precheckInput(), kind: 'card-read', outcome: 'problem', cashierId: null, reasonCodes: ['CARD_EXPIRED'], body: { usable: false } });
  });
  afterAll(async () => f.close());

  it('pages newest first with a cursor until the end', async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = f.trail.list({}, { limit: 7, ...(cursor !== undefined ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.seq));
      if (!page.nextCursor) break;
      cursor = Number(page.nextCursor);
    }
    expect(seen).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
  });

  it('filters by outcome, reason, cashier, kind and person hash', () => {
    const partial = f.trail.list({ outcome: 'partial' }, { limit: 100 }).items;
    expect(partial).toHaveLength(15);
    expect(partial.every((r) => r.reasonCodes.includes('ITEM_NOT_IN_CATALOGUE'))).toBe(true);
    expect(f.trail.list({ reason: 'ITEM_NOT_IN_CATALOGUE' }, { limit: 100 }).items).toHaveLength(15);
    expect(f.trail.list({ reason: 'ITEM_NOT' }, { limit: 100 }).items).toHaveLength(0); // whole codes only
    expect(f.trail.list({ cashierId: 'cashier-01' }, { limit: 100 }).items).toHaveLength(10);
    expect(f.trail.list({ kind: 'card-read' }, { limit: 100 }).items.map((r) => r.reasonCodes)).toEqual([['CARD_EXPIRED']]);
    const person = f.trail.keyedHash(other.idNumber);
    const theirs = f.trail.list({ personHash: person }, { limit: 100 }).items;
    expect(theirs.map((r) => r.seq)).toEqual([26, 21, 16, 11, 6, 1]);
    expect(f.trail.list({ cardHash: f.trail.keyedHash(other.cardNumber) }, { limit: 100 }).items).toHaveLength(6);
  });

  it('filters by local date and date-time', () => {
    const today = f.trail.list({}, { limit: 1 }).items[0]!.at.slice(0, 10);
    expect(f.trail.list({ from: parseBound(today, 'from')!, to: parseBound(today, 'to')! }, { limit: 100 }).items).toHaveLength(31);
    expect(f.trail.list({ to: parseBound('2001-01-01', 'to')! }, { limit: 100 }).items).toHaveLength(0);
    expect(parseBound('2026-05-01', 'from')).toBe('2026-05-01T00:00:00.000+08:00');
    expect(parseBound('2026-05-01', 'to')).toBe('2026-05-02T00:00:00.000+08:00');
    expect(parseBound('2026-05-01T01:00:00Z', 'from')).toBe('2026-05-01T09:00:00.000+08:00');
    expect(parseBound('2026-02-30', 'from')).toBeUndefined();
  });

  it('counts refusing decisions per day and reason', () => {
    const days = f.trail.rejectStats({ kind: 'precheck' });
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ reason: 'ITEM_NOT_IN_CATALOGUE', count: 15 });
    expect(f.trail.rejectStats({}).map((d) => d.reason).sort()).toEqual(['CARD_EXPIRED', 'ITEM_NOT_IN_CATALOGUE']);
  });

  it('exports CSV with a BOM, a header row, Chinese text and formula-safe cells', async () => {
    await f.trail.append(precheckInput({ cashierId: '=HYPERLINK("http://x","y")' }));
    const csv = [...f.trail.export({ kind: 'precheck' }, 'csv')].join('');
    expect(csv.startsWith('\uFEFFseq,id,at,kind,outcome,cashierId')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(32);
    expect(csv).toContain('ITEM_NOT_IN_CATALOGUE: 该商品不在医保目录中或未做目录对照');
    expect(lines.at(-1)).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('exports JSON lines that an auditor can re-verify on their own', async () => {
    const text = [...f.trail.export({}, 'jsonl')].join('');
    const file = path.join(f.dir, 'export.jsonl');
    writeFileSync(file, text);
    const check = await verifyArchiveFile(file, { prevHash: '0'.repeat(64) });
    expect(check).toMatchObject({ ok: true, count: 32, broken: null });
    writeFileSync(file, text.replace('"outcome":"allow"', '"outcome":"block"'));
    const tampered = await verifyArchiveFile(file);
    expect(tampered.ok).toBe(false);
    expect(tampered.broken).toMatchObject({ seq: 2, problem: 'altered' });
  });
});
