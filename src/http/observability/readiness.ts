import fp from 'fastify-plugin';
import { Type } from 'typebox';
import type { DataStore } from '../../db/database.js';
import type { CatalogueStore } from '../../catalogue/store.js';
import { reason, type Reason } from '../../reasons.js';
import { ReasonSchema } from '../schemas.js';

export const ReadyAnswer = Type.Object({ ready: Type.Boolean(), reasons: Type.Array(ReasonSchema) });

/** Routes that keep answering while the service drains, so supervisors can watch it stop. */
const OPEN_WHILE_DRAINING = new Set(['/health', '/ready', '/metrics']);

/**
 * Readiness and draining. GET /ready says whether the service takes checkouts (database
 * answering, catalogue loaded, not shutting down). Once close() begins, requests already
 * running finish (Fastify waits for them before the onClose hooks release the database), while
 * new ones get 503 SERVICE_STOPPING in the contract's shape instead of Fastify's own body.
 */
export const readinessRoutes = fp<{ store: DataStore; catalogue: CatalogueStore }>(async (app, { store, catalogue }) => {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (draining && !OPEN_WHILE_DRAINING.has(request.routeOptions.url ?? '')) {
      return reply.code(503).header('connection', 'close').send({ error: reason('SERVICE_STOPPING') });
    }
  });

  const problems = (): Reason[] => {
    const out: Reason[] = [];
    if (draining) out.push(reason('SERVICE_STOPPING'));
    try {
      store.sqlite.prepare('select 1').get();
    } catch {
      out.push(reason('STORAGE_UNAVAILABLE', { part: 'database' }));
    }
    if (!catalogue.index.loaded) out.push(reason('CATALOGUE_NOT_LOADED'));
    return out;
  };

  app.get('/ready', {
    config: { public: true },
    schema: {
      tags: ['operations'],
      summary: 'Whether the service takes checkouts now (for supervisors and load balancers)',
      description: '200 when the database answers, a catalogue is loaded and the service is not shutting down; 503 with the reasons otherwise. A missing terminal or platform does not make the service unready: /health reports those, and prechecks answer them as system reasons.',
      response: {
        200: { ...ReadyAnswer, examples: [{ ready: true, reasons: [] }] },
        503: { ...ReadyAnswer, description: 'Not ready', examples: [{ ready: false, reasons: [reason('CATALOGUE_NOT_LOADED')] }] },
      },
    },
  }, async (_request, reply) => {
    const reasons = problems();
    return reply.code(reasons.length === 0 ? 200 : 503).send({ ready: reasons.length === 0, reasons });
  });
}, { name: 'readiness' });
