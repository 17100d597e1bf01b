import { connect } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../app.js';

const Part = Type.Object({ ok: Type.Boolean() }, { additionalProperties: true });

export const healthRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/health', {
    config: { public: true },
    schema: {
      tags: ['operations'], summary: 'Each part of the service, without authentication',
      response: {
        200: Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]), service: Type.Object({ name: Type.String(), version: Type.String(), uptimeSeconds: Type.Integer() }), terminal: Part, psam: Part, catalogue: Part, platform: Part }),
      },
    },
  }, async () => {
    const terminal = await services.terminal.status().catch(() => ({ kind: 'unknown', connected: false, psamPresent: false, cardPresent: false }));
    const index = services.catalogue.index;
    // Real platforms have no health route: reachability is the breaker's view plus a TCP connect to the gateway.
    const link = services.platform.status();
    const platformOk = link.breaker.state !== 'open' && (await canConnect(services.platformUrl, 1000));
    const parts = {
      terminal: { ok: terminal.connected, kind: terminal.kind, cardPresent: terminal.cardPresent },
      psam: { ok: terminal.psamPresent },
      catalogue: { ok: index.loaded, version: index.version?.id ?? null, source: index.version?.source ?? null, rows: index.size },
      platform: { ok: platformOk, simulator: services.simulator, url: services.platformUrl, breaker: link.breaker.state, signedIn: link.signedIn },
    };
    const allOk = Object.values(parts).every((p) => p.ok);
    return { status: allOk ? 'ok' as const : 'degraded' as const, service: { name: 'checkout-guard', version: services.version, uptimeSeconds: Math.floor(process.uptime()) }, ...parts };
  });
};

function canConnect(url: string, timeoutMs: number): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
