import fp from 'fastify-plugin';
import { reason } from '../../reasons.js';
import type { Caller } from '../../checkout/counter.js';
import type { Role, TokenStore } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on the route; absent means the route is public (health, docs). */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** Bearer-token authentication and per-route role checks. */
export default fp<{ tokens: TokenStore }>(async (app, { tokens }) => {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request, reply) => {
    const roles = request.routeOptions.config?.roles;
    if (!roles) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const info = token ? tokens.verify(token) : undefined;
    if (!info) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: reason('AUTH_REQUIRED') });
    }
    request.caller = { tokenId: info.id, role: info.role, name: info.name };
    if (!roles.includes(info.role)) {
      return reply.code(403).send({ error: reason('FORBIDDEN_ROLE', { role: info.role, allowed: roles }) });
    }
  });
}, { name: 'auth' });
