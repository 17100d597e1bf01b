import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Counter } from '../../checkout/counter.js';
import { CardSessionBody, errorResponses, MaskedCardSchema, ReasonSchema } from '../schemas.js';

export const PinAnswer = Type.Object({ ok: Type.Boolean(), reasons: Type.Array(ReasonSchema) });

export const CardReadAnswer = Type.Object({
  cardSession: Type.Union([Type.String(), Type.Null()]),
  card: Type.Union([MaskedCardSchema, Type.Null()]),
  checks: Type.Array(ReasonSchema),
  usable: Type.Boolean(),
});

export const cardRoutes: FastifyPluginAsyncTypebox<{ counter: Counter }> = async (app, { counter }) => {
  app.post('/v1/card/read', {
    config: { roles: ['cashier'] },
    schema: {
      tags: ['card'],
      summary: 'Read the social security card in the terminal',
      response: {
        200: CardReadAnswer,
        ...errorResponses,
      },
    },
  }, async (request) => counter.readCard(request.caller!));

  app.post('/v1/card/verify-pin', {
    config: { roles: ['cashier'] },
    schema: { tags: ['card'], summary: 'The cardholder types the PIN on the terminal keypad', body: CardSessionBody, response: { 200: PinAnswer, ...errorResponses } },
  }, async (request) => counter.verifyPin(request.body.cardSession, request.caller!));

  app.post('/v1/card/change-pin', {
    config: { roles: ['cashier'] },
    schema: { tags: ['card'], summary: 'The cardholder changes the PIN on the terminal keypad', body: CardSessionBody, response: { 200: PinAnswer, ...errorResponses } },
  }, async (request) => counter.changePin(request.body.cardSession, request.caller!));
};
