import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { EXPORT_FORMATS, type ExportFormat } from '../../audit/export.js';
import type { AuditFilter } from '../../audit/query.js';
import { DECISION_KINDS, OUTCOMES } from '../../audit/record.js';
import { DATE_OR_DATETIME, localTimestamp, parseBound } from '../../audit/time.js';
import type { AuditTrail } from '../../audit/trail.js';
import { REASON_CODES, ServiceFault } from '../../reasons.js';
import { errorResponses } from '../schemas.js';

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
const alternatives = (values: readonly string[]) => `^(${values.join('|')})$`;

export const AuditSummarySchema = Type.Object({
  seq: Type.Integer({ description: 'Position in the hash chain (gapless, from 1)' }),
  id: Type.String(),
  at: Type.String({ description: 'Local time (China Standard Time) with offset', examples: ['2026-05-01T09:30:00.000+08:00'] }),
  kind: Type.String({ enum: [...DECISION_KINDS] }),
  outcome: Type.String({ enum: [...OUTCOMES] }),
  cashierId: Nullable(Type.String()),
  terminalId: Nullable(Type.String()),
  cardMasked: Nullable(Type.String({ examples: ['X0000****'] })),
  personHash: Nullable(Type.String({ description: 'HMAC-SHA256 of the ID number under the local secret' })),
  catalogueVersion: Nullable(Type.Integer()),
  reasonCodes: Type.Array(Type.String()),
});

export const AuditRecordSchema = Type.Object({
  ...AuditSummarySchema.properties,
  tokenId: Nullable(Type.String({ description: 'The API token that asked' })),
  cardHash: Nullable(Type.String({ description: 'HMAC-SHA256 of the card number under the local secret' })),
  algorithm: Type.String({ description: 'Hash algorithm of this record\'s chain link', enum: ['sm3', 'sha256'] }),
  decision: Type.Unknown({ description: 'The decision as answered: lines, verdicts, amounts, reasons in zh and en (masked)' }),
  prevHash: Type.String(),
  hash: Type.String(),
});

const BrokenSchema = Type.Object({
  seq: Type.Integer(),
  id: Nullable(Type.String({ description: 'null when the record is missing' })),
  problem: Type.String({ enum: ['missing', 'altered', 'chain-break', 'anchor-mismatch', 'checkpoint-mismatch', 'checkpoint-signature', 'truncated'] }),
  message: Type.String(),
});

const HeadSchema = Type.Object({ seq: Type.Integer(), hash: Type.String() });

const CheckpointCheckSchema = Type.Object({
  seq: Type.Integer(), hash: Type.String(), at: Type.String(), keyId: Type.String(),
  signatureValid: Type.Boolean(), matches: Nullable(Type.Boolean()),
});

export const VerifySchema = Type.Object({
  ok: Type.Boolean(),
  algorithm: Type.String(),
  algorithms: Type.Array(Type.String()),
  count: Type.Integer({ description: 'Live records recomputed' }),
  head: HeadSchema,
  firstBroken: Nullable(BrokenSchema),
  archived: Nullable(HeadSchema),
  checkpoint: Nullable(CheckpointCheckSchema),
  checkpointsChecked: Type.Integer(),
  durationMs: Type.Integer(),
});

export const CheckpointSchema = Type.Object({
  checkpoint: Type.Object({
    format: Type.String(), seq: Type.Integer(), hash: Type.String(), at: Type.String(), keyId: Type.String(),
    signature: Type.String({ description: 'Base64 Ed25519 over the canonical JSON (sorted keys) of format, seq, hash, at, keyId' }),
  }),
  publicKey: Type.String({ description: 'SPKI PEM of the signing key: keep it with the checkpoint' }),
});

const filterProperties = {
  outcome: Type.Optional(Type.String({ pattern: alternatives(OUTCOMES) })),
  reason: Type.Optional(Type.String({ pattern: alternatives(REASON_CODES) })),
  cashierId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  personHash: Type.Optional(Hash),
  cardHash: Type.Optional(Hash),
  kind: Type.Optional(Type.String({ pattern: alternatives(DECISION_KINDS) })),
  from: Type.Optional(Type.String({ pattern: DATE_OR_DATETIME, description: 'ISO date (that local day on) or date-time' })),
  to: Type.Optional(Type.String({ pattern: DATE_OR_DATETIME, description: 'ISO date (that local day included) or date-time (inclusive)' })),
};

const ListQuery = Type.Object({
  ...filterProperties,
  cursor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1 to 500, default 50' })),
}, { additionalProperties: false });

const ExportQuery = Type.Object({ ...filterProperties, format: Type.Optional(Type.String({ pattern: alternatives(EXPORT_FORMATS) })) }, { additionalProperties: false });

const StatsQuery = Type.Object({
  from: filterProperties.from,
  to: filterProperties.to,
  kind: filterProperties.kind,
}, { additionalProperties: false });

type FilterQuery = { [K in keyof typeof filterProperties]?: string };

/** Query strings to a filter; a date that passes the pattern but is no real day is named. */
function filterOf(q: FilterQuery): AuditFilter {
  const f: AuditFilter = {};
  for (const key of ['outcome', 'reason', 'cashierId', 'personHash', 'cardHash', 'kind'] as const) if (q[key] !== undefined) f[key] = q[key];
  for (const side of ['from', 'to'] as const) {
    const value = q[side];
    if (value === undefined) continue;
    const bound = parseBound(value, side);
    if (bound === undefined) throw new ServiceFault('INVALID_REQUEST', { field: `querystring/${side}`, problem: `not a date or date-time: "${value}"` });
    f[side] = bound;
  }
  return f;
}

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditTrail }> = async (app, { audit }) => {
  const config = { roles: ['auditor'] as const };

  app.get('/v1/audit/decisions', {
    config,
    schema: {
      tags: ['audit'], summary: 'Decisions, newest first, filtered, with cursor paging',
      querystring: ListQuery,
      response: { 200: Type.Object({ items: Type.Array(AuditSummarySchema), nextCursor: Nullable(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (limit > 500) throw new ServiceFault('INVALID_REQUEST', { field: 'querystring/limit', problem: 'at most 500' });
    return audit.list(filterOf(q), { limit, ...(q.cursor !== undefined ? { cursor: Number(q.cursor) } : {}) });
  });

  app.get('/v1/audit/decisions/:id', {
    config,
    schema: {
      tags: ['audit'], summary: 'One decision as recorded, with its place in the chain',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, examples: ['5b0e2c7a-3f1d-4e8b-9c6a-1d2e3f4a5b6c'] }) }),
      response: { 200: AuditRecordSchema, ...errorResponses },
    },
  }, async (request) => {
    const r = audit.get(request.params.id);
    if (!r) throw new ServiceFault('NOT_FOUND', { id: request.params.id }, { status: 404 });
    return r;
  });

  app.get('/v1/audit/export', {
    config,
    schema: {
      tags: ['audit'], summary: 'Download matching decisions, oldest first: CSV (UTF-8 with BOM, opens in Excel) or JSON lines (full records, re-verifiable)',
      querystring: ExportQuery,
      response: { 200: Type.Unsafe<Readable>({ type: 'string', description: 'text/csv or application/x-ndjson attachment' }), ...errorResponses },
    },
  }, async (request, reply) => {
    const { format = 'csv', ...rest } = request.query;
    const filter = filterOf(rest);
    const name = `audit-${(rest.from ?? 'start').slice(0, 10)}-${(rest.to ?? localTimestamp()).slice(0, 10)}.${format}`;
    reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(audit.export(filter, format as ExportFormat)));
  });

  app.get('/v1/audit/verify', {
    config,
    schema: {
      tags: ['audit'], summary: 'Recompute the hash chain and check the signed checkpoints; names the first broken record',
      response: { 200: VerifySchema, ...errorResponses },
    },
  }, async () => audit.verify());

  app.get('/v1/audit/stats/rejects', {
    config,
    schema: {
      tags: ['audit'], summary: 'Refusing decisions (partial, block) per local day and reason code, for a chart; default: the last 30 days, prechecks',
      querystring: StatsQuery,
      response: { 200: Type.Object({ days: Type.Array(Type.Object({ day: Type.String(), reason: Type.String(), count: Type.Integer() })) }), ...errorResponses },
    },
  }, async (request) => {
    const f = filterOf(request.query);
    return { days: audit.rejectStats({ kind: f.kind ?? 'precheck', from: f.from ?? localTimestamp(Date.now() - 30 * 86_400_000), ...(f.to !== undefined ? { to: f.to } : {}) }) };
  });

  app.get('/v1/audit/checkpoint', {
    config,
    schema: {
      tags: ['audit'], summary: 'Sign the chain head (Ed25519) and return it with the public key: keep both outside this machine as an anchor',
      response: { 200: CheckpointSchema, ...errorResponses },
    },
  }, async () => audit.checkpoint());

  app.post('/v1/audit/person-hash', {
    config,
    schema: {
      tags: ['audit'], summary: 'The keyed hash of an ID number or card number, to search one person\'s history (sent in the body so it never appears in a URL or log)',
      body: Type.Object({
        idNumber: Type.Optional(Type.String({ pattern: '^([0-9]{17}[0-9Xx]|[0-9]{15})$' })),
        cardNumber: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{6,20}$' })),
      }, { additionalProperties: false, minProperties: 1, examples: [{ idNumber: '330302198508150192' }] }),
      response: { 200: Type.Object({ personHash: Type.Optional(Type.String()), cardHash: Type.Optional(Type.String()) }), ...errorResponses },
    },
  }, async (request) => {
    const { idNumber, cardNumber } = request.body;
    return {
      ...(idNumber !== undefined ? { personHash: audit.keyedHash(idNumber) } : {}),
      ...(cardNumber !== undefined ? { cardHash: audit.keyedHash(cardNumber) } : {}),
    };
  });
};
