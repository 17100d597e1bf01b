import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

const HEADER = 'x-request-id';
const SAFE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Request ids that tie a POS's own logs to the service's: a POS may send `X-Request-Id` (kept
 * when it is a short plain token, so nothing odd reaches the logs), otherwise the service makes
 * one. Every answer carries it back, and a 500 names it in `detail.requestId`.
 */
export function genReqId(req: IncomingMessage): string {
  const sent = req.headers[HEADER];
  return typeof sent === 'string' && SAFE.test(sent) ? sent : randomUUID();
}

export const requestIdHeader = fp(async (app) => {
  // onSend: also on answers that hooks cut short (401, 403, 429) and on 404s.
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header(HEADER, request.id);
    return payload;
  });
}, { name: 'request-id' });
