import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ROWS } from '../../catalogue/sample-rows.js';
import type { CatalogueEntry } from '../../src/catalogue/entry.js';
import { MappingLayout } from '../../src/catalogue/formats/item-mapping.js';
import { format1301Line, parse1301Fields } from '../../src/catalogue/formats/nhsa-1301.js';
import { PolicyLayout } from '../../src/catalogue/formats/payment-policy.js';
import { WorkbookLayout, workbookHeaderRows, workbookRow } from '../../src/catalogue/formats/workbook.js';
import { FieldError, ImportError } from '../../src/catalogue/import-error.js';
import { csvRecords } from '../../src/catalogue/io/csv-records.js';
import { utf8Lines } from '../../src/catalogue/io/text-lines.js';
import { observable, sample, tempCatalogue, type TempCatalogue } from '../catalogue/helpers.js';

/**
 * The catalogue parsers under random and mutated input: every outcome is a parsed row or a
 * located FieldError/ImportError, never a crash, and a file that fails changes nothing.
 */
const runs = (divisor: number) => ({ numRuns: Math.max(5, Math.floor(fc.readConfigureGlobal().numRuns! / divisor)) });

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(bytes.length, c);
    if (end > at) yield Buffer.from(bytes.subarray(at, end));
    at = Math.max(at, end);
  }
  if (at < bytes.length) yield Buffer.from(bytes.subarray(at));
}

const field = fc.oneof(fc.constant(''), fc.constant('无'), fc.string({ maxLength: 12 }), fc.stringMatching(/^\d{4}-?\d{2}-?\d{2}$/), fc.constantFrom('0', '1', '01', '02', '03', '甲类', '乙类'));
/** Text without the characters that delimit 1301 fields, and without edge spaces or 无, which read back as none. */
const text = fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replace(/[\t\r\n]/g, '').trim()).filter((s) => s !== '' && s !== '无');
const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const entryArb: fc.Arbitrary<CatalogueEntry> = fc.record({
  code: fc.stringMatching(/^[XZ][A-Z0-9]{19}([A-Z0-9]{3})?$/),
  name: text,
  genericName: fc.option(text, { nil: null }),
  dosageForm: fc.option(text, { nil: null }),
  spec: fc.option(text, { nil: null }),
  manufacturer: fc.option(text, { nil: null }),
  approvalNo: fc.option(text, { nil: null }),
  standardCode: fc.option(text, { nil: null }),
  insuranceClass: fc.constantFrom('A' as const, 'B' as const, 'C' as const, null),
  selfPayRatio: fc.constant(null),
  priceCapFen: fc.constant(null),
  overCapHandling: fc.constant(null),
  restricted: fc.boolean(),
  restrictedScope: fc.option(text, { nil: null }),
  prescriptionOnly: fc.boolean(),
  beginDate: fc.option(day, { nil: null }),
  endDate: fc.constant(null),
  valid: fc.boolean(),
  marketStatus: fc.constantFrom('listed' as const, 'discontinued' as const),
  listVersion: fc.option(fc.stringMatching(/^\d{8}$/), { nil: null }),
});

describe('1301 rows', () => {
  it('random fields parse to a sane entry or fail with a FieldError naming a column', () => {
    fc.assert(fc.property(fc.array(field, { minLength: 85, maxLength: 100 }), fc.stringMatching(/^[XZ][A-Z0-9]{22}$/), (fields, code) => {
      if (fields.length > 0) fields[0] = code;
      try {
        const { entry } = parse1301Fields(fields);
        expect(entry.code).toMatch(/^[XZ][A-Z0-9]{19}([A-Z0-9]{3})?$/);
        for (const d of [entry.beginDate, entry.endDate]) if (d !== null) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        if (entry.beginDate && entry.endDate) expect(entry.endDate >= entry.beginDate).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(FieldError);
        expect((err as FieldError).column).toMatch(/column \d+/);
      }
    }));
  });

  it('any entry written as a 1301 line reads back the same', () => {
    fc.assert(fc.property(entryArb, (e) => {
      // The workbook and 1301 agree that the product name doubles as registered name; otc and market flags round-trip.
      expect(parse1301Fields(format1301Line(e).split('\t')).entry).toEqual(e);
    }));
  });
});

describe('UTF-8 lines', () => {
  it('split anywhere, valid text reads back line by line; invalid text fails at its first bad line', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1'))), { maxLength: 30 }), fc.array(fc.nat({ max: 2000 }), { maxLength: 8 }), fc.boolean(), async (lines, cuts, gbk) => {
      // The latin1 path keeps only each code unit's low byte, which can itself be a line break: drop those too.
      const parts = lines.map((l) => (gbk && l.length % 3 === 0 ? Buffer.from(Buffer.from(l, 'latin1').filter((b) => b !== 0x0a && b !== 0x0d)) : Buffer.from(l.replace(/[\r\n]/g, ''), 'utf8')));
      const bytes = Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
      const expected = (() => {
        try {
          return { lines: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes).replace(/^\ufeff/, '').split('\n').slice(0, -1).map((l) => l.replace(/\r$/, '')) };
        } catch {
          return { badLine: parts.findIndex((p) => { try { new TextDecoder('utf-8', { fatal: true }).decode(p); return false; } catch { return true; } }) + 1 };
        }
      })();
      const got: string[] = [];
      try {
        for await (const b of utf8Lines(chunksOf(bytes, cuts), 'f.txt')) {
          expect(b.first).toBe(got.length + 1);
          got.push(...b.lines);
        }
        expect('lines' in expected).toBe(true);
        expect(got).toEqual(expected.lines);
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        expect(err.position).toEqual({ line: expected.badLine });
      }
    }), runs(4));
  });
});

describe('CSV and headed layouts', () => {
  it('random CSV text yields records with lines, or a located ImportError', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '无', ' '), maxLength: 200 }), async (csv) => {
      try {
        let last = 0;
        for await (const r of csvRecords(chunksOf(Buffer.from(csv), []), 'f.csv')) {
          expect(r.line).toBeGreaterThanOrEqual(last);
          last = r.line;
        }
      } catch (err) {
        expect(err).toBeInstanceOf(ImportError);
      }
    }), runs(4));
  });

  it('random header and data cells give a layout and rows, or a FieldError', () => {
    const cells = fc.array(fc.oneof(field, fc.constantFrom('local_code', 'barcode', 'med_list_codg', 'hilist_code', 'selfpay_prop', 'hilist_pric_uplmt_amt', 'overlmt_dspo_way', 'selfpay_prop_psn_type', '药品代码', '甲乙类', '备注', '剂型')), { maxLength: 24 });
    fc.assert(fc.property(cells, cells, cells, (header, sub, row) => {
      for (const make of [() => MappingLayout.fromHeader(header).parse(row), () => PolicyLayout.fromHeader(header).parse(row)]) {
        try {
          make();
        } catch (err) {
          expect(err).toBeInstanceOf(FieldError);
        }
      }
      const layout = WorkbookLayout.detect(header, sub);
      if (layout && layout.missing().length === 0) {
        try {
          layout.parse(row);
        } catch (err) {
          expect(err).toBeInstanceOf(FieldError);
        }
      }
    }));
  });

  it('every sample entry survives a workbook row round trip', () => {
    const [top, sub] = workbookHeaderRows();
    const layout = WorkbookLayout.detect(top, sub)!;
    fc.assert(fc.property(fc.constantFrom(...SAMPLE_ROWS), (r) => {
      const e = layout.parse(workbookRow(r.entry, r.pack, r.listNo));
      expect(e).toMatchObject({ code: r.entry.code, insuranceClass: r.entry.insuranceClass, manufacturer: r.entry.manufacturer, restrictedScope: r.entry.restrictedScope });
    }), { numRuns: SAMPLE_ROWS.length * 2 });
  });
});

describe('mutated files against a live catalogue', () => {
  let t: TempCatalogue;
  beforeAll(async () => {
    t = tempCatalogue();
    await t.catalogue.importFile(sample('sample-1301.zip'));
    await t.catalogue.importFile(sample('sample-item-mapping.csv'));
  });
  afterAll(() => t.close());

  const mutate = (bytes: Buffer) => fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).chain((flips) => fc.nat({ max: bytes.length }).map((cut) => ({ flips, cut })));

  for (const name of ['sample-1301.zip', 'sample-workbook.csv', 'sample-item-mapping.csv', 'sample-workbook.xlsx']) {
    it(`${name} with flipped bytes or cut short: imports or fails cleanly, and a failure changes nothing`, async () => {
      const original = readFileSync(sample(name));
      let n = 0;
      await fc.assert(fc.asyncProperty(mutate(original), async ({ flips, cut }) => {
        const bytes = Buffer.from(original.subarray(0, Math.max(1, cut)));
        for (const [at, v] of flips) if (at < bytes.length) bytes[at] = v;
        const before = observable(t);
        const file = t.file(`m${n++}-${name}`, bytes);
        try {
          await t.catalogue.importFile(file);
          // Whatever imported is now active; go back so every run meets the same catalogue.
          const kind = name.includes('mapping') ? 'mapping' : 'catalogue';
          await t.catalogue.rollback(kind);
        } catch (err) {
          expect(err).toBeInstanceOf(ImportError);
          expect(observable(t)).toEqual(before);
        }
      }), runs(40));
    });
  }
});

