import type { FastifyBaseLogger, FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { reason, reasonVariant } from '../../reasons.js';
import type { Caller } from '../../checkout/counter.js';
import type { Role, TokenStore } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on the route. Every route names its roles or is marked `public`. */
    roles?: readonly Role[];
    /** Open without a token (health, readiness, metrics, the API documentation). */
    public?: boolean;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyInstance {
    /** Who may call each route, as registered: the route table the access tests walk. */
    routeAccess: readonly RouteAccess[];
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  /** Empty for a public route. */
  roles: readonly Role[];
}

/** Marks every route registered in `scope` (and its children) public, e.g. a third-party plugin's pages. */
export function markPublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
  });
}

/**
 * Bearer-token authentication and per-route role checks. Default-deny: a route that neither
 * names its roles nor is marked public stops the service from starting, so a forgotten
 * `config.roles` can never ship as an open endpoint.
 */
export default fp<{ tokens: TokenStore }>(async (app, { tokens }) => {
  const routes: RouteOptions[] = [];
  const table: RouteAccess[] = [];
  app.decorate('routeAccess', table);
  app.decorateRequest('caller', null);

  app.addHook('onRoute', (route: RouteOptions) => {
    routes.push(route);
  });
  // Checked once all routes exist: scopes marked public set their flag in a later onRoute hook.
  app.addHook('onReady', async () => {
    for (const route of routes) {
      const roles = route.config?.roles ?? [];
      if ((route.config?.public === true) === (roles.length > 0)) {
        throw new Error(`route ${String(route.method)} ${route.url}: give exactly one of config.roles (non-empty) or config.public (see src/http/auth/plugin.ts)`);
      }
      for (const method of [route.method].flat()) table.push({ method, url: route.url, roles });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const roles = request.routeOptions.config?.roles;
    if (!roles) return;
    const outcome = tokens.authenticate(bearer(request.headers.authorization));
    if (!('caller' in outcome)) {
      const { expiredAt } = outcome;
      const refusal = expiredAt ? reasonVariant('AUTH_REQUIRED', 'expired', { expiredAt }) : reason('AUTH_REQUIRED');
      return reply.code(401).header('www-authenticate', 'Bearer realm="checkout-guard"').send({ error: refusal });
    }
    const info = outcome.caller;
    request.caller = { tokenId: info.id, role: info.role, name: info.name };
    // Every later log line of this request says who asked (the token id, never the secret). Fastify
    // gave the request a child logger of its own (reqId), shared with the reply: the caller is bound
    // to it rather than to a second child, which cost a few µs a request.
    (request.log as FastifyBaseLogger & { setBindings(bindings: object): void }).setBindings({ caller: { tokenId: info.id, role: info.role } });
    if (!roles.includes(info.role)) {
      return reply.code(403).send({ error: reason('FORBIDDEN_ROLE', { role: info.role, allowed: roles }) });
    }
  });
}, { name: 'auth' });

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
