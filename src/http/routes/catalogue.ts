import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CatalogueEntry } from '../../catalogue/entry.js';
import type { CatalogueStore } from '../../catalogue/store.js';
import { formatRatio, formatYuan } from '../../money.js';
import { ServiceFault } from '../../reasons.js';
import { errorResponses } from '../schemas.js';

const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const CatalogueItemSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  genericName: Nullable(Type.String()),
  dosageForm: Nullable(Type.String()),
  spec: Nullable(Type.String()),
  manufacturer: Nullable(Type.String()),
  approvalNo: Nullable(Type.String()),
  standardCode: Nullable(Type.String()),
  insuranceClass: Nullable(Type.String()),
  selfPayRatio: Nullable(Type.String()),
  priceCap: Nullable(Type.String()),
  overCapHandling: Nullable(Type.String()),
  restricted: Type.Boolean(),
  restrictedScope: Nullable(Type.String()),
  prescriptionOnly: Type.Boolean(),
  beginDate: Nullable(Type.String()),
  endDate: Nullable(Type.String()),
  valid: Type.Boolean(),
  marketStatus: Type.String(),
});

export function publicEntry(e: CatalogueEntry) {
  const { selfPayRatio, priceCapFen, ...rest } = e;
  return { ...rest, selfPayRatio: selfPayRatio === null ? null : formatRatio(selfPayRatio), priceCap: priceCapFen === null ? null : formatYuan(priceCapFen) };
}

export const catalogueRoutes: FastifyPluginAsyncTypebox<{ catalogue: CatalogueStore }> = async (app, { catalogue }) => {
  const readers = ['cashier', 'auditor', 'admin'] as const;
  app.get('/v1/catalogue/items/:code', {
    config: { roles: readers },
    schema: { tags: ['catalogue'], summary: 'One catalogue entry by national code', params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }), response: { 200: CatalogueItemSchema, ...errorResponses } },
  }, async (request) => {
    const index = catalogue.index;
    if (!index.loaded) throw new ServiceFault('CATALOGUE_NOT_LOADED');
    const code = index.resolve({ code: request.params.code })!;
    const entry = index.get(code);
    if (!entry) throw new ServiceFault('NOT_FOUND', { code: request.params.code }, { status: 404 });
    return publicEntry(entry);
  });

  app.get('/v1/catalogue/search', {
    config: { roles: readers },
    schema: {
      tags: ['catalogue'], summary: 'Search by name (Chinese substring) or code',
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 64 }), limit: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,2}$' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(CatalogueItemSchema) }), ...errorResponses },
    },
  }, async (request) => {
    const index = catalogue.index;
    if (!index.loaded) throw new ServiceFault('CATALOGUE_NOT_LOADED');
    return { items: index.search(request.query.q, Math.min(100, Number(request.query.limit ?? 20))).map(publicEntry) };
  });
};
