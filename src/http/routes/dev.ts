import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { VirtualCardSlot } from '../../card/terminal.js';
import { errorResponses } from '../schemas.js';

/** Mock terminal only: insert and remove virtual cards. Not registered with a real terminal. */
export const devRoutes: FastifyPluginAsyncTypebox<{ slot: VirtualCardSlot }> = async (app, { slot }) => {
  const Slot = Type.Object({ inserted: Type.Union([Type.String(), Type.Null()]), scenarios: Type.Array(Type.String()) });
  app.post('/v1/dev/terminal/card', {
    config: { roles: ['cashier', 'admin'] },
    schema: {
      tags: ['dev'], summary: 'Insert a virtual card (mock terminal only)',
      body: Type.Object({ scenario: Type.String({ minLength: 1, maxLength: 64, examples: ['normal'] }) }, { additionalProperties: false }),
      response: { 200: Slot, ...errorResponses },
    },
  }, async (request) => {
    slot.insert(request.body.scenario);
    return { inserted: slot.inserted(), scenarios: slot.scenarios() };
  });
  app.delete('/v1/dev/terminal/card', {
    config: { roles: ['cashier', 'admin'] },
    schema: { tags: ['dev'], summary: 'Remove the virtual card', response: { 200: Slot, ...errorResponses } },
  }, async () => {
    slot.remove();
    return { inserted: null, scenarios: slot.scenarios() };
  });
};
