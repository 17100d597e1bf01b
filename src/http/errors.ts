import type { FastifyError, FastifyInstance } from 'fastify';
import { reason, ServiceFault, type Reason, type ReasonCode } from '../reasons.js';

/** The error body of every non-2xx answer: one reason in the contract's shape. */
export interface ErrorBody {
  error: Reason;
}

const SYSTEM_503: ReadonlySet<ReasonCode> = new Set(['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT', 'PSAM_MISSING', 'PLATFORM_UNAVAILABLE', 'PLATFORM_ERROR', 'CATALOGUE_NOT_LOADED']);

/**
 * One error handler for the whole service: validation errors become INVALID_REQUEST naming
 * the field, faults keep their system reason, anything unexpected is logged and answered
 * without internals.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ServiceFault | Error, request, reply) => {
    if (err instanceof ServiceFault) {
      const status = err.status ?? (SYSTEM_503.has(err.code) ? 503 : 400);
      if (status >= 500) request.log.warn({ reason: err.code, detail: err.reason.detail }, 'service fault');
      return reply.code(status).send({ error: err.reason } satisfies ErrorBody);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const first = fe.validation[0];
      const field = first ? `${fe.validationContext ?? 'body'}${first.instancePath || ''}${(first.params as { missingProperty?: string; additionalProperty?: string })?.missingProperty ? `/${(first.params as { missingProperty: string }).missingProperty}` : ''}${(first.params as { additionalProperty?: string })?.additionalProperty ? `/${(first.params as { additionalProperty: string }).additionalProperty}` : ''}` : fe.validationContext ?? 'body';
      return reply.code(400).send({ error: reason('INVALID_REQUEST', { field, problem: first?.message ?? fe.message }) } satisfies ErrorBody);
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code: ReasonCode = fe.statusCode === 429 ? 'RATE_LIMITED' : fe.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST';
      return reply.code(fe.statusCode).send({ error: reason(code, { problem: publicMessage(fe) }) } satisfies ErrorBody);
    }
    request.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: reason('INTERNAL_ERROR') } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: reason('NOT_FOUND', { method: request.method, url: request.url.split('?')[0] }) } satisfies ErrorBody);
  });
}

/** Fastify's own 4xx messages without anything that echoes internals. */
function publicMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'unsupported content type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return 'empty JSON body';
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return 'request body too large';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    default:
      return err.statusCode === 400 && err.message.includes('JSON') ? 'body is not valid JSON' : err.message.slice(0, 200);
  }
}
