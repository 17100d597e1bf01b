import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Counter } from '../../checkout/counter.js';
import { AccountSchema, CardSessionBody, errorResponses } from '../schemas.js';

export const accountRoutes: FastifyPluginAsyncTypebox<{ counter: Counter }> = async (app, { counter }) => {
  app.post('/v1/account/check', {
    config: { roles: ['cashier'] },
    schema: { tags: ['account'], summary: 'Ask the insurance platform whether the account is in good standing', body: CardSessionBody, response: { 200: AccountSchema, ...errorResponses } },
  }, async (request) => counter.checkAccount(request.body.cardSession, request.caller!));
};
