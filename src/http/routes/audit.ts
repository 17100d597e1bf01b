import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditTrail } from '../../audit/trail.js';
import { ServiceFault } from '../../reasons.js';
import { errorResponses } from '../schemas.js';

export const AuditRecordSchema = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Type.String(),
  kind: Type.String(),
  outcome: Type.String(),
  cashierId: Type.Union([Type.String(), Type.Null()]),
  tokenId: Type.Union([Type.String(), Type.Null()]),
  terminalId: Type.Union([Type.String(), Type.Null()]),
  cardMasked: Type.Union([Type.String(), Type.Null()]),
  personHash: Type.Union([Type.String(), Type.Null()]),
  catalogueVersion: Type.Union([Type.Integer(), Type.Null()]),
  reasonCodes: Type.Array(Type.String()),
  decision: Type.Unknown(),
  prevHash: Type.String(),
  hash: Type.String(),
});

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditTrail }> = async (app, { audit }) => {
  app.get('/v1/audit/decisions/:id', {
    config: { roles: ['auditor'] },
    schema: { tags: ['audit'], summary: 'One decision as recorded', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: AuditRecordSchema, ...errorResponses } },
  }, async (request) => {
    const r = audit.get(request.params.id);
    if (!r) throw new ServiceFault('NOT_FOUND', { id: request.params.id }, { status: 404 });
    const { body, reasonCodes, ...rest } = r;
    return { ...rest, reasonCodes: reasonCodes ? reasonCodes.split(' ') : [], decision: JSON.parse(body) as unknown };
  });
};
