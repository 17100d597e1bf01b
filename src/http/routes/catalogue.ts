import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { DIFF_FIELDS, PERSON_RATIOS_FIELD } from '../../catalogue/diff.js';
import { ImportError } from '../../catalogue/import-error.js';
import type { CatalogueVersionInfo } from '../../catalogue/index.js';
import { publicEntry } from '../../catalogue/public-entry.js';
import type { FileFormat } from '../../catalogue/readers.js';
import type { CatalogueStore, ImportResult } from '../../catalogue/store.js';
import { ServiceFault } from '../../reasons.js';
import { errorResponses } from '../schemas.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Code = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9]+$', examples: ['XC10AAA058A001010100123'] });

export const CatalogueItemSchema = Type.Object({
  code: Type.String({ description: 'National catalogue code (med_list_codg)' }),
  name: Type.String(),
  genericName: Nullable(Type.String()),
  dosageForm: Nullable(Type.String()),
  spec: Nullable(Type.String()),
  manufacturer: Nullable(Type.String()),
  approvalNo: Nullable(Type.String()),
  standardCode: Nullable(Type.String({ description: '药品本位码' })),
  insuranceClass: Nullable(Type.String({ description: 'A (甲), B (乙), C (丙); null when not in the insurance list' })),
  selfPayRatio: Nullable(Type.String({ description: 'Class-B share the patient pays first, e.g. "0.1000"' })),
  selfPayRatioByPersonType: Type.Record(Type.String(), Type.String(), { description: 'Class-B shares the payment policy sets for particular person types (1101 psn_type, e.g. "21" retired), instead of selfPayRatio; empty when none', examples: [{ 21: '0.0500' }] }),
  priceCap: Nullable(Type.String({ description: 'Highest unit price insurance pays, yuan' })),
  overCapHandling: Nullable(Type.String({ description: 'self-pay-excess | refuse' })),
  restricted: Type.Boolean(),
  restrictedScope: Nullable(Type.String()),
  prescriptionOnly: Type.Boolean(),
  beginDate: Nullable(Type.String()),
  endDate: Nullable(Type.String()),
  valid: Type.Boolean(),
  marketStatus: Type.String({ description: 'listed | discontinued' }),
  listVersion: Nullable(Type.String({ description: 'The platform ver_num of the row (1301 downloads)' })),
});

const VersionSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: 'catalogue | mapping' }),
  format: Type.String({ description: '1301 | workbook | policy | mapping' }),
  source: Type.String(),
  label: Nullable(Type.String({ description: 'Platform version name (ver_name)' })),
  platformVer: Nullable(Type.String({ description: 'Highest 1301 ver in the snapshot: where the next sync starts' })),
  basedOn: Nullable(Type.Integer()),
  rowCount: Type.Integer({ description: 'Rows in the imported file(s)' }),
  entryCount: Type.Integer({ description: 'Entries (or mapped items) in the version' }),
  checksum: Type.String({ description: 'SHA-256 of the imported bytes' }),
  importedAt: Type.String(),
  activatedAt: Nullable(Type.String()),
  active: Type.Boolean(),
  status: Type.String({ description: 'ready | pruned (rows deleted, record kept for the audit trail)' }),
});

const ImportAnswer = Type.Object({ version: VersionSchema, format: Type.String(), warnings: Type.Array(Type.String()) });

const DiffItem = Type.Object({ code: Type.String(), name: Type.String() });
const DiffAnswer = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  counts: Type.Object({ added: Type.Integer(), removed: Type.Integer(), changed: Type.Integer() }),
  added: Type.Array(DiffItem),
  removed: Type.Array(DiffItem),
  changed: Type.Array(Type.Object({
    code: Type.String(),
    name: Type.String(),
    changes: Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() }), { description: `Changed fields among ${[...Object.keys(DIFF_FIELDS), PERSON_RATIOS_FIELD].join(', ')} (ratios in parts per 10,000; ${PERSON_RATIOS_FIELD} as { psn_type: ratio })` }),
  })),
});

const UPLOAD_TYPES = [
  'application/octet-stream', 'application/zip', 'application/x-zip-compressed', 'text/csv', 'text/plain', 'text/tab-separated-values',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];
const FORMATS: FileFormat[] = ['1301-zip', '1301-text', 'workbook-xlsx', 'workbook-csv', 'policy', 'mapping'];

export interface CatalogueRouteOptions {
  catalogue: CatalogueStore;
  /** Largest upload accepted by the admin import, in bytes. */
  uploadMaxBytes: number;
  /** `catalogue sync` through the platform (1301 + 9102); absent when no platform client is wired. */
  sync?: () => Promise<ImportResult | null>;
}

function versionOut(v: CatalogueVersionInfo) {
  return {
    id: v.id, kind: v.kind ?? 'catalogue', format: v.format, source: v.source, label: v.label, platformVer: v.platformVer ?? null, basedOn: v.basedOn ?? null,
    rowCount: v.rowCount, entryCount: (v as { entryCount?: number }).entryCount ?? v.rowCount, checksum: v.checksum, importedAt: v.importedAt,
    activatedAt: v.activatedAt ?? null, active: v.active ?? false, status: v.status ?? 'ready',
  };
}

/** A bad file or request the caller can fix: 400 with where the problem is (file, line or row, column). */
function asRequestError(err: unknown): never {
  if (err instanceof ImportError) throw new ServiceFault('INVALID_REQUEST', err.detail(), { cause: err });
  throw err;
}

export const catalogueRoutes: FastifyPluginAsyncTypebox<CatalogueRouteOptions> = async (app, { catalogue, uploadMaxBytes, sync }) => {
  const readers = ['cashier', 'auditor', 'admin'] as const;
  const loaded = () => {
    const index = catalogue.index;
    if (!index.loaded) throw new ServiceFault('CATALOGUE_NOT_LOADED');
    return index;
  };

  app.get('/v1/catalogue/items/:code', {
    config: { roles: readers },
    schema: { tags: ['catalogue'], summary: 'One catalogue entry by national code', params: Type.Object({ code: Code }), response: { 200: CatalogueItemSchema, ...errorResponses } },
  }, async (request) => {
    const index = loaded();
    const entry = index.get(request.params.code.toUpperCase());
    if (!entry) throw new ServiceFault('NOT_FOUND', { code: request.params.code }, { status: 404 });
    return publicEntry(entry, index.personRatiosOf(entry.code));
  });

  app.get('/v1/catalogue/lookup', {
    config: { roles: readers },
    schema: {
      tags: ['catalogue'], summary: 'What a basket line would resolve to: by national code, barcode or the pharmacy\'s local item code',
      description: 'Give exactly one of code, barcode, localCode. 404 when a barcode or local code is not mapped, or maps to a code the active catalogue does not list (detail.code says which).',
      querystring: Type.Object({
        code: Type.Optional(Code),
        barcode: Type.Optional(Type.String({ minLength: 1, maxLength: 48, pattern: '^[\\x21-\\x7e]+$', examples: ['6901234567892'] })),
        localCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$', examples: ['L0001'] })),
      }, { additionalProperties: false, minProperties: 1, maxProperties: 1 }),
      response: { 200: Type.Object({ code: Type.String(), item: CatalogueItemSchema }), ...errorResponses },
    },
  }, async (request) => {
    const index = loaded();
    const q = request.query;
    const ref = q.code !== undefined ? { code: q.code.toUpperCase() } : q.barcode !== undefined ? { barcode: q.barcode } : { localCode: q.localCode! };
    const code = index.resolve(ref);
    if (code === undefined) throw new ServiceFault('NOT_FOUND', { ...ref, problem: 'not mapped to a national code' }, { status: 404 });
    const entry = index.get(code);
    if (!entry) throw new ServiceFault('NOT_FOUND', { ...ref, code, problem: 'not in the active catalogue' }, { status: 404 });
    return { code, item: publicEntry(entry, index.personRatiosOf(code)) };
  });

  app.get('/v1/catalogue/search', {
    config: { roles: readers },
    schema: {
      tags: ['catalogue'], summary: 'Search by name (Chinese substring) or code',
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 64, examples: ['阿莫西林'] }), limit: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,2}$' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(CatalogueItemSchema) }), ...errorResponses },
    },
  }, async (request) => {
    const index = loaded();
    return { items: index.search(request.query.q, Math.min(100, Number(request.query.limit ?? 20))).map((e) => publicEntry(e, index.personRatiosOf(e.code))) };
  });

  app.get('/v1/catalogue/versions', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      tags: ['catalogue'], summary: 'Every catalogue and item-mapping version, newest first',
      querystring: Type.Object({ kind: Type.Optional(Type.Union([Type.Literal('catalogue'), Type.Literal('mapping')])) }, { additionalProperties: false }),
      response: { 200: Type.Object({ versions: Type.Array(VersionSchema) }), ...errorResponses },
    },
  }, async (request) => ({ versions: catalogue.versions(request.query.kind).map(versionOut) }));

  app.get('/v1/catalogue/diff', {
    config: { roles: ['auditor', 'admin'] },
    schema: {
      tags: ['catalogue'], summary: 'What changed between two catalogue versions: added, removed, class, cap, ratio, validity',
      querystring: Type.Object({
        from: Type.String({ pattern: '^[1-9]\\d{0,9}$', examples: ['1'] }),
        to: Type.String({ pattern: '^[1-9]\\d{0,9}$', examples: ['2'] }),
        limit: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,5}$', description: 'Most items listed per kind of change (default 1000); counts are always complete' })),
      }, { additionalProperties: false }),
      response: { 200: DiffAnswer, ...errorResponses },
    },
  }, async (request) => {
    let d;
    try {
      d = catalogue.diff(Number(request.query.from), Number(request.query.to));
    } catch (err) {
      asRequestError(err);
    }
    const limit = Number(request.query.limit ?? 1000);
    return {
      from: d.from, to: d.to,
      counts: { added: d.added.length, removed: d.removed.length, changed: d.changed.length },
      added: d.added.slice(0, limit), removed: d.removed.slice(0, limit), changed: d.changed.slice(0, limit),
    };
  });

  app.post('/v1/catalogue/rollback', {
    config: { roles: ['admin'] },
    schema: {
      tags: ['catalogue'], summary: 'Make the previous version active again',
      body: Type.Object({ kind: Type.Optional(Type.Union([Type.Literal('catalogue'), Type.Literal('mapping')], { default: 'catalogue' })) }, { additionalProperties: false, examples: [{ kind: 'catalogue' }] }),
      response: { 200: Type.Object({ version: VersionSchema }), ...errorResponses },
    },
  }, async (request) => {
    try {
      return { version: versionOut(await catalogue.rollback(request.body.kind ?? 'catalogue')) };
    } catch (err) {
      asRequestError(err);
    }
  });

  if (sync) {
    app.post('/v1/catalogue/sync', {
      config: { roles: ['admin'] },
      schema: {
        tags: ['catalogue'], summary: 'Download the changes since the active version from the platform (1301 + 9102) and activate them',
        response: { 200: Type.Object({ upToDate: Type.Boolean(), result: Nullable(ImportAnswer) }), ...errorResponses },
      },
    }, async () => {
      let result;
      try {
        result = await sync();
      } catch (err) {
        asRequestError(err);
      }
      return { upToDate: result === null, result: result === null ? null : { ...result, version: versionOut(result.version) } };
    });
  }

  // The upload arrives as a raw stream and goes straight to a temporary file: a national
  // catalogue is far larger than any JSON body the service otherwise accepts.
  app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
  const uploads = new WeakMap<FastifyRequest, Readable>();
  app.post('/v1/catalogue/imports', {
    config: { roles: ['admin'] },
    preValidation: async (request) => {
      // Only the upload types arrive as a stream; anything else (JSON) fails the body schema.
      if ((request.body as unknown) instanceof Readable) {
        uploads.set(request, request.body as unknown as Readable);
        request.body = '';
      }
    },
    schema: {
      tags: ['catalogue'], summary: 'Import a catalogue file (admin): the body is the file itself',
      description: 'The 1301 download (zip or tab-separated text), the provincial workbook 医保药品分类与代码数据库 (XLSX or CSV), a payment-policy CSV or the item-mapping CSV; see catalogue/README.md. '
        + 'The format is recognised from `filename` and the first bytes unless `format` says. A bad file changes nothing and answers 400 INVALID_REQUEST with detail {file, line or row, column, problem}.',
      consumes: UPLOAD_TYPES,
      querystring: Type.Object({
        filename: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\\\p{C}]+$', examples: ['1301_20260201.zip'] }),
        format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)))),
      }, { additionalProperties: false }),
      body: Type.String({ format: 'binary', description: 'The file bytes', examples: ['local_code,barcode,med_list_codg,local_name\r\nL0001,6901234567892,XN02BEA011A001010100201,对乙酰氨基酚片 0.5g*12\r\n'] }),
      response: { 200: ImportAnswer, ...errorResponses, 413: errorResponses[400] },
    },
  }, async (request) => {
    const body = uploads.get(request);
    if (!body) throw new ServiceFault('INVALID_REQUEST', { field: 'body', problem: `send the file as one of: ${UPLOAD_TYPES.join(', ')}` });
    const dir = await mkdtemp(path.join(tmpdir(), 'catalogue-upload-'));
    try {
      const file = path.join(dir, path.basename(request.query.filename));
      let size = 0;
      await pipeline(body, async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > uploadMaxBytes) throw new ServiceFault('INVALID_REQUEST', { field: 'body', problem: `file larger than ${uploadMaxBytes} bytes` }, { status: 413 });
          yield chunk;
        }
      }, createWriteStream(file));
      if (size === 0) throw new ServiceFault('INVALID_REQUEST', { field: 'body', problem: 'empty file' });
      try {
        const result = await catalogue.importFile(file, { source: request.query.filename, ...(request.query.format ? { format: request.query.format } : {}) });
        request.log.info({ version: result.version.id, format: result.format, rows: result.version.rowCount }, 'catalogue imported');
        return { ...result, version: versionOut(result.version) };
      } catch (err) {
        asRequestError(err);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
};
