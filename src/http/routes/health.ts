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
    const platformOk = await fetch(`${services.platformUrl}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    const parts = {
      terminal: { ok: terminal.connected, kind: terminal.kind, cardPresent: terminal.cardPresent },
      psam: { ok: terminal.psamPresent },
      catalogue: { ok: index.loaded, version: index.version?.id ?? null, source: index.version?.source ?? null, rows: index.size },
      platform: { ok: platformOk, simulator: services.simulator, url: services.platformUrl },
    };
    const allOk = Object.values(parts).every((p) => p.ok);
    return { status: allOk ? 'ok' as const : 'degraded' as const, service: { name: 'checkout-guard', version: services.version, uptimeSeconds: Math.floor(process.uptime()) }, ...parts };
  });
};
