import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { buildWebBundle, type WebAsset, type WebBundle } from '../../web/build.js';
import { ErrorSchema } from '../schemas.js';

/**
 * The page shell carries no data, so it is public (a browser cannot send a bearer token when
 * it navigates); every record it shows comes from the audit API with the auditor's token.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const Html = { description: 'the auditor page', content: { 'text/html': { schema: Type.String() } } };
const NotModified = Type.Null({ description: 'unchanged since the ETag given in If-None-Match' });

export const webRoutes: FastifyPluginAsyncTypebox = async (app) => {
  let bundle: Promise<WebBundle> | undefined;
  const load = (): Promise<WebBundle> => {
    bundle ??= buildWebBundle().catch((err: unknown) => {
      // Let the next request try again (the source may have been fixed meanwhile).
      bundle = undefined;
      throw err;
    });
    return bundle;
  };
  // A listening service builds the page straight away so the first auditor does not wait;
  // in-process tests (inject) never listen and never pay for it.
  app.addHook('onListen', async () => {
    load().catch((err: unknown) => app.log.error({ err }, 'auditor page build failed'));
  });

  app.get('/audit', {
    config: { public: true },
    schema: { tags: ['web'], operationId: 'getAuditPageRedirect', summary: 'Redirects to the auditor page', response: { 302: Type.Null({ description: 'to /audit/' }) } },
  }, async (_request, reply) => reply.redirect('/audit/', 302));

  app.get('/audit/', {
    config: { public: true },
    schema: {
      tags: ['web'], operationId: 'getAuditPage', summary: 'The auditor page: sign in with an auditor token, review decisions, export, verify the chain',
      response: { 200: Html, 304: NotModified, 500: ErrorSchema },
    },
  }, async (request, reply) => send(request, reply, (await load()).index, 'no-cache'));

  app.get('/audit/assets/:file', {
    config: { public: true },
    schema: {
      tags: ['web'], operationId: 'getAuditPageAsset', summary: 'A content-hashed script or stylesheet of the auditor page',
      params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]+\\.(js|css)$', maxLength: 80, examples: ['main-AUWDTN6H.js'] }) }),
      response: { 200: { description: 'the file', content: { 'text/javascript': { schema: Type.String() }, 'text/css': { schema: Type.String() } } }, 304: NotModified, 404: ErrorSchema, 500: ErrorSchema },
    },
  }, async (request, reply) => {
    const asset = (await load()).assets.get(request.params.file);
    if (!asset) return reply.callNotFound();
    return send(request, reply, asset, 'public, max-age=31536000, immutable');
  });
};

function send(request: FastifyRequest, reply: FastifyReply, asset: WebAsset, cacheControl: string): FastifyReply {
  reply.headers({ ...PAGE_HEADERS, 'cache-control': cacheControl, etag: asset.etag, vary: 'accept-encoding' });
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  reply.type(asset.type);
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}
