import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isStorageFault } from '../db/database.js';
import { reason, ServiceFault, type Reason, type ReasonCode } from '../reasons.js';

/** The error body of every non-2xx answer: one reason in the contract's shape. */
export interface ErrorBody {
  error: Reason;
}

const SYSTEM_503: ReadonlySet<ReasonCode> = new Set(['TERMINAL_UNAVAILABLE', 'TERMINAL_TIMEOUT', 'PSAM_MISSING', 'PLATFORM_UNAVAILABLE', 'PLATFORM_ERROR', 'CATALOGUE_NOT_LOADED', 'SERVICE_STOPPING', 'STORAGE_UNAVAILABLE']);

/** The reason code of a 4xx answer that carries no reason of its own. */
const CODE_BY_STATUS: Readonly<Record<number, ReasonCode>> = { 401: 'AUTH_REQUIRED', 403: 'FORBIDDEN_ROLE', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' };

/** Fastify's and the JSON parser's own 4xx errors, in words that reveal nothing of the implementation. */
const PUBLIC_PROBLEMS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type; send application/json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty JSON body; send {} or no content-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body too large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length does not match the body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body is not valid JSON',
  FST_ERR_BAD_URL: 'malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'path parameter too long',
  FST_ERR_ASYNC_CONSTRAINT: 'request rejected',
};

/**
 * One error handler for the whole service: validation errors become INVALID_REQUEST naming
 * the field, faults keep their system reason, anything unexpected is logged and answered
 * with a request id and no internals (no message, no stack).
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ServiceFault | Error, request, reply) => {
    if (err instanceof ServiceFault) {
      const status = err.status ?? (SYSTEM_503.has(err.code) ? 503 : 400);
      if (status >= 500) request.log.warn({ reason: err.code, detail: err.reason.detail }, 'service fault');
      return reply.code(status).send({ error: err.reason } satisfies ErrorBody);
    }
    const fe = err as Partial<FastifyError>;
    if (fe.validation) {
      const first = fe.validation[0];
      return reply.code(400).send({ error: reason('INVALID_REQUEST', { field: validationField(fe.validationContext, first), problem: first?.message ?? 'invalid' }) } satisfies ErrorBody);
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendClientError(reply, status, problemOf(fe));
    if (isStorageFault(err)) {
      request.log.error({ err }, 'storage fault');
      return reply.code(503).send({ error: reason('STORAGE_UNAVAILABLE', { requestId: request.id }) } satisfies ErrorBody);
    }
    request.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: reason('INTERNAL_ERROR', { requestId: request.id }) } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: reason('NOT_FOUND', { method: request.method, url: request.url.split('?')[0]!.slice(0, 200) }) } satisfies ErrorBody);
  });
}

/** For Fastify's `frameworkErrors` option: a malformed URL or oversized path parameter before routing. */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  sendClientError(reply, 400, problemOf(err));
}

/**
 * For Fastify's `clientErrorHandler`: requests Node's HTTP parser rejects (oversized headers,
 * garbage) still get the contract's error body, then the connection is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ error: reason('INVALID_REQUEST', { problem: status === 431 ? 'request headers too large' : status === 408 ? 'request timed out' : 'malformed HTTP request' }) } satisfies ErrorBody);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function sendClientError(reply: FastifyReply, status: number, problem: string): FastifyReply {
  return reply.code(status).send({ error: reason(CODE_BY_STATUS[status] ?? 'INVALID_REQUEST', { problem }) } satisfies ErrorBody);
}

function problemOf(err: Partial<FastifyError>): string {
  if (err.code && PUBLIC_PROBLEMS[err.code]) return PUBLIC_PROBLEMS[err.code]!;
  // The JSON parser's own rejections (e.g. a __proto__ key) carry no code.
  if (err.name === 'SyntaxError' || /JSON|prototype/i.test(err.message ?? '')) return 'body is not valid JSON';
  return (STATUS_CODES[err.statusCode ?? 400] ?? 'bad request').toLowerCase();
}

/** `body/items/0/quantity`: where the first validation error is, down to the missing or extra property. */
function validationField(context: string | undefined, first: NonNullable<FastifyError['validation']>[number] | undefined): string {
  const base = `${context ?? 'body'}${first?.instancePath ?? ''}`;
  const params = (first?.params ?? {}) as { missingProperty?: unknown; additionalProperty?: unknown };
  const leaf = params.missingProperty ?? params.additionalProperty;
  return typeof leaf === 'string' ? `${base}/${leaf}` : base;
}
